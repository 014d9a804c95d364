import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import { fitNamedParameters, type FitOptions, type FittedModel } from './fitted-model';
import { assertValidHistory, groupHistories, type GroupedHistories } from './grouped-histories';
import { hyp2f1 } from './hypergeometric';
import { logAddExp, oneOverOnePlusExp } from './log-space';
import type { RepeatPurchaseHistory } from './summary';

// Globals bound once: a global lookup in every iteration is slow in a vm context (jest).
const { abs, log, max, pow } = Math;
const NEG_INF = -Infinity;

/**
 * BG/NBD: Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way: An Alternative to
 * the Pareto/NBD Model", Marketing Science 24(2), 275–284. While alive a customer buys as a
 * Poisson process with rate λ ~ Gamma(r, α); after every purchase he drops out with probability
 * p ~ Beta(a, b). Time is in whatever unit the histories are in (α scales with it).
 */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/**
 * Sum of ln L over customers (the likelihood of FHL 2005), kept in logs:
 * ln L = ln Γ(r+x) − ln Γ(r) + r ln α
 *        + logaddexp( ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T),
 *                     [x > 0] ln B(a+1, b+x−1) − ln B(a, b) − (r+x) ln(α+t_x) ).
 */
export function bgNbdLogLikelihood(params: BgNbdParams, customers: readonly RepeatPurchaseHistory[] | GroupedHistories): number {
  const g = 'distinctX' in customers ? customers : groupHistories(customers);
  const { r, alpha, a, b } = params;
  const nx = g.distinctX.length;
  const base = new Float64Array(nx);
  const stay = new Float64Array(nx);
  const drop = new Float64Array(nx);
  const lnBab = betaln(a, b);
  const lnGr = gammaln(r);
  const rLnAlpha = r * log(alpha);
  for (let i = 0; i < nx; i++) {
    const x = g.distinctX[i];
    base[i] = gammaln(r + x) - lnGr + rLnAlpha;
    stay[i] = betaln(a, b + x) - lnBab;
    drop[i] = x > 0 ? betaln(a + 1, b + x - 1) - lnBab : NEG_INF;
  }
  let sum = 0;
  for (let k = 0; k < g.x.length; k++) {
    const i = g.xIndex[k];
    const rx = r + g.x[k];
    const stayed = stay[i] - rx * log(alpha + g.T[k]);
    const dropped = drop[i] === NEG_INF ? NEG_INF : drop[i] - rx * log(alpha + g.tx[k]);
    sum += g.count[k] * (base[i] + logAddExp(stayed, dropped));
  }
  return sum;
}

export function fitBgNbd(customers: readonly RepeatPurchaseHistory[], options: FitOptions<BgNbdParams> = {}): FittedModel<BgNbdParams> {
  const g = groupHistories(customers);
  const start = options.start ?? defaultStart(g);
  return fitNamedParameters(NAMES, (p) => bgNbdLogLikelihood(p, g), start, g.customers, options);
}

/** r = a = 1, b = 3 (CLVTools' start); α = mean T, i.e. about one purchase per customer lifetime so far. */
function defaultStart(g: GroupedHistories): BgNbdParams {
  let t = 0;
  for (let k = 0; k < g.T.length; k++) t += g.count[k] * g.T[k];
  return { r: 1, alpha: max(t / g.customers, 1e-3), a: 1, b: 3 };
}

/** ln of the odds that the customer dropped out right after his last purchase, against being alive. */
function logOddsDead(params: BgNbdParams, h: RepeatPurchaseHistory): number {
  const { r, alpha, a, b } = params;
  const x = h.frequency;
  if (x === 0) return NEG_INF;
  return log(a) - log(b + x - 1) + (r + x) * (log(alpha + h.T) - log(alpha + h.recency));
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)), from
 * Fader, Hardie & Lee (2008), "Computing P(alive) Using the BG/NBD Model" (Hardie note 021).
 * A customer with no repeat purchase is alive with probability 1 (he has had no chance to drop out).
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, h: RepeatPurchaseHistory): number {
  assertValidHistory(h);
  return oneOverOnePlusExp(logOddsDead(params, h));
}

/**
 * (1 − z)^(a−1) · ₂F₁(a+b−1−r, a−1; a+b+x−1; z), which equals ((α+T)/(α+T+t))^(r+x) ·
 * ₂F₁(r+x, b+x; a+b+x−1; z) with z = t/(α+T+t) by Euler's transformation. The untransformed
 * ₂F₁ grows like (1−z)^−x and overflows for heavy buyers; this form stays near 1.
 */
function survivingFactor(params: BgNbdParams, x: number, z: number): number {
  const { r, a, b } = params;
  return pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
}

/** (a+b+x−1)/(a−1) · [1 − survivingFactor], with the removable singularity at a = 1 bridged. */
function expectedIfAlive(params: BgNbdParams, x: number, z: number): number {
  const { a } = params;
  if (abs(a - 1) < 1e-7) {
    const h = 1e-5;
    return (expectedIfAlive({ ...params, a: 1 + h }, x, z) + expectedIfAlive({ ...params, a: 1 - h }, x, z)) / 2;
  }
  return ((a + params.b + x - 1) / (a - 1)) * (1 - survivingFactor(params, x, z));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] of a customer with this history (FHL 2005)
 * = P(alive) · (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))].
 */
export function bgNbdConditionalExpectedPurchases(params: BgNbdParams, t: number, h: RepeatPurchaseHistory): number {
  if (!(t >= 0)) throw new RangeError(`t must be non-negative, got ${t}`);
  if (t === 0) return 0;
  const pAlive = bgNbdProbabilityAlive(params, h);
  return pAlive * expectedIfAlive(params, h.frequency, t / (params.alpha + h.T + t));
}

/**
 * E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired at 0 (FHL 2005)
 * = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number): number {
  if (!(t >= 0)) throw new RangeError(`t must be non-negative, got ${t}`);
  if (t === 0) return 0;
  return expectedIfAlive(params, 0, t / (params.alpha + t));
}
