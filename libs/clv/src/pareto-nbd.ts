import gammaln from '@stdlib/math-base-special-gammaln';
import { fitNamedParameters, type FitOptions, type FittedModel } from './fitted-model';
import { assertValidHistory, groupHistories, type GroupedHistories } from './grouped-histories';
import { hyp2f1 } from './hypergeometric';
import { logAddExp, logSubExp, oneOverOnePlusExp } from './log-space';
import type { RepeatPurchaseHistory } from './summary';

// Globals bound once: a global lookup in every iteration is slow in a vm context (jest).
const { abs, expm1, log, log1p, max } = Math;
const NEG_INF = -Infinity;

/**
 * Pareto/NBD: Schmittlein, Morrison & Colombo (1987), "Counting Your Customers: Who Are They and
 * What Will They Do Next?", Management Science 33(1), 1–24. While alive a customer buys as a
 * Poisson process with rate λ ~ Gamma(r, α); his lifetime is exponential with rate μ ~ Gamma(s, β).
 * The expressions are those of Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and
 * Related Expressions" (Hardie note 009).
 */
export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

const NAMES = ['r', 'alpha', 's', 'beta'] as const;

/**
 * ln of one of the two terms of A₀: ₂F₁(r+s+x, b; r+s+x+1; z) / (max(α,β) + τ)^(r+s+x), where
 * z = |α−β| / (max(α,β)+τ), b = s+1 when α ≥ β and r+x otherwise. Euler's transformation
 * ₂F₁(a,b;c;z) = (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z) turns it into a ₂F₁(1, ·; r+s+x+1; z) that
 * stays near 1, where the original of the α < β branch grows like (1−z)^−(r+x) and overflows for
 * heavy buyers.
 */
function logA0Term(params: ParetoNbdParams, x: number, tau: number): number {
  const { r, alpha, s, beta } = params;
  const c = r + s + x + 1;
  if (alpha >= beta) {
    const z = (alpha - beta) / (alpha + tau);
    return -s * log1p(-z) + log(hyp2f1(1, r + x, c, z)) - (c - 1) * log(alpha + tau);
  }
  const z = (beta - alpha) / (beta + tau);
  return (1 - r - x) * log1p(-z) + log(hyp2f1(1, s + 1, c, z)) - (c - 1) * log(beta + tau);
}

/** ln A₀ of Fader & Hardie (2005); A₀ = 0 (ln = −∞) when the last purchase is at T. */
function logA0(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  if (tx === T) return NEG_INF;
  return logSubExp(logA0Term(params, x, tx), logA0Term(params, x, T));
}

/**
 * Sum of ln L over customers, with
 * L = Γ(r+x) α^r β^s / Γ(r) · [ 1/((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A₀ ],
 * the bracket added in logs.
 */
export function paretoNbdLogLikelihood(
  params: ParetoNbdParams,
  customers: readonly RepeatPurchaseHistory[] | GroupedHistories,
): number {
  const g = 'distinctX' in customers ? customers : groupHistories(customers);
  const { r, alpha, s, beta } = params;
  const nx = g.distinctX.length;
  const base = new Float64Array(nx);
  const lnGr = gammaln(r);
  const head = r * log(alpha) + s * log(beta) - lnGr;
  for (let i = 0; i < nx; i++) base[i] = gammaln(r + g.distinctX[i]) + head;
  let sum = 0;
  for (let k = 0; k < g.x.length; k++) {
    const x = g.x[k];
    const T = g.T[k];
    const alive = -(r + x) * log(alpha + T) - s * log(beta + T);
    const died = log(s / (r + s + x)) + logA0(params, x, g.tx[k], T);
    sum += g.count[k] * (base[g.xIndex[k]] + logAddExp(alive, died));
  }
  return sum;
}

export function fitParetoNbd(
  customers: readonly RepeatPurchaseHistory[],
  options: FitOptions<ParetoNbdParams> = {},
): FittedModel<ParetoNbdParams> {
  const g = groupHistories(customers);
  const start = options.start ?? defaultStart(g);
  return fitNamedParameters(NAMES, (p) => paretoNbdLogLikelihood(p, g), start, g.customers, options);
}

/** r = s = 1; α = β = mean T, so both processes start on the time scale of the data. */
function defaultStart(g: GroupedHistories): ParetoNbdParams {
  let t = 0;
  for (let k = 0; k < g.T.length; k++) t += g.count[k] * g.T[k];
  const scale = max(t / g.customers, 1e-3);
  return { r: 1, alpha: scale, s: 1, beta: scale };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A₀). Unlike BG/NBD, a
 * customer with no repeat purchase can be dead.
 */
export function paretoNbdProbabilityAlive(params: ParetoNbdParams, h: RepeatPurchaseHistory): number {
  assertValidHistory(h);
  const { r, alpha, s, beta } = params;
  const x = h.frequency;
  const logOddsDead =
    log(s / (r + s + x)) + (r + x) * log(alpha + h.T) + s * log(beta + h.T) + logA0(params, x, h.recency, h.T);
  return oneOverOnePlusExp(logOddsDead);
}

/** [1 − u^(s−1)] / (s−1) for 0 < u ≤ 1, continuous through s = 1 (where it is −ln u). */
function lifetimeIntegral(s: number, u: number): number {
  const lnU = log(u);
  if (abs(s - 1) < 1e-10) return -lnU;
  return -expm1((s - 1) * lnU) / (s - 1);
}

/**
 * E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)].
 */
export function paretoNbdConditionalExpectedPurchases(params: ParetoNbdParams, t: number, h: RepeatPurchaseHistory): number {
  if (!(t >= 0)) throw new RangeError(`t must be non-negative, got ${t}`);
  if (t === 0) return 0;
  const { r, alpha, s, beta } = params;
  const x = h.frequency;
  const pAlive = paretoNbdProbabilityAlive(params, h);
  return (pAlive * (r + x) * (beta + h.T)) / (alpha + h.T) * lifetimeIntegral(s, (beta + h.T) / (beta + h.T + t));
}

/** E[X(t)] = rβ / (α(s−1)) · [1 − (β/(β+t))^(s−1)]: repeat purchases in (0, t] of a new customer. */
export function paretoNbdExpectedPurchases(params: ParetoNbdParams, t: number): number {
  if (!(t >= 0)) throw new RangeError(`t must be non-negative, got ${t}`);
  const { r, alpha, s, beta } = params;
  return ((r * beta) / alpha) * lifetimeIntegral(s, beta / (beta + t));
}
