import gammaln from '@stdlib/math-base-special-gammaln';
import { fitNamedParameters, type FitOptions, type FittedModel } from './fitted-model';
import type { SpendHistory } from './summary';

// Math functions bound once: a global lookup in every iteration is slow in a vm context (jest).
const { log } = Math;

/**
 * Gamma-gamma spend model: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis", Journal of Marketing Research 42(4), 415–430; Fader & Hardie (2013),
 * "The Gamma-Gamma Model of Monetary Value" (Hardie note 025). A customer's transaction values
 * are Gamma(p, ν); ν ~ Gamma(q, γ) across customers; spend is independent of the purchase process.
 * Only repeat transactions enter (x = frequency, m_x = their mean value).
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

const NAMES = ['p', 'q', 'gamma'] as const;

/** The customers the model can learn from: at least one repeat transaction, positive mean value. */
function informative(customers: readonly SpendHistory[]): SpendHistory[] {
  return customers.filter((c) => c.frequency > 0 && c.monetaryValue > 0);
}

/**
 * Sum over informative customers of ln f(m_x | p, q, γ, x), the density of the mean of x values
 * (Fader & Hardie 2013):
 * ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m_x + px ln x − (px+q) ln(γ + x m_x).
 * Customers without a repeat transaction, or with a mean of 0, carry no information and are skipped.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, customers: readonly SpendHistory[]): number {
  return logLikelihoodOf(params, informative(customers));
}

function logLikelihoodOf(params: GammaGammaParams, customers: readonly SpendHistory[]): number {
  const { p, q, gamma } = params;
  const constant = q * log(gamma) - gammaln(q);
  let sum = 0;
  for (const { frequency: x, monetaryValue: m } of customers) {
    const px = p * x;
    sum += gammaln(px + q) - gammaln(px) + constant + (px - 1) * log(m) + px * log(x) - (px + q) * log(gamma + x * m);
  }
  return sum;
}

/** `customers` in the result counts the informative customers the fit used. */
export function fitGammaGamma(
  customers: readonly SpendHistory[],
  options: FitOptions<GammaGammaParams> = {},
): FittedModel<GammaGammaParams> {
  const used = informative(customers);
  if (used.length === 0) throw new RangeError('no customer with a repeat transaction of positive value');
  const start = options.start ?? defaultStart(used);
  return fitNamedParameters(NAMES, (params) => logLikelihoodOf(params, used), start, used.length, options);
}

/** p = q = 2 and γ so that the population mean pγ/(q−1) equals the observed mean of m_x. */
function defaultStart(used: readonly SpendHistory[]): GammaGammaParams {
  const mean = used.reduce((sum, c) => sum + c.monetaryValue, 0) / used.length;
  return { p: 2, q: 2, gamma: mean / 2 };
}

/**
 * E[M | p, q, γ, m_x, x] = p(γ + x m_x) / (px + q − 1): the expected value of the customer's
 * future transactions, a weighted mean of the population mean pγ/(q−1) and his own m_x. With
 * x = 0 it is the population mean. Meaningful for q > 1 (a finite population mean).
 */
export function gammaGammaConditionalExpectedValue(params: GammaGammaParams, c: SpendHistory): number {
  const { p, q, gamma } = params;
  const x = c.frequency;
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`frequency must be a non-negative integer, got ${x}`);
  const m = x > 0 ? c.monetaryValue : 0;
  return (p * (gamma + x * m)) / (p * x + q - 1);
}

/** pγ / (q − 1): the mean transaction value across customers (infinite when q ≤ 1). */
export function gammaGammaPopulationMeanValue(params: GammaGammaParams): number {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : Infinity;
}
