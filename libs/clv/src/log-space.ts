/** Sums and differences of numbers held as logarithms, without overflow or underflow. */

// Globals bound once: a global lookup in every iteration is slow in a vm context (jest).
const { exp, expm1, log, log1p } = Math;
const NEG_INF = -Infinity;

/** log(exp(a) + exp(b)); either may be −Infinity. */
export function logAddExp(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

/**
 * log(exp(a) − exp(b)) for a difference known to be non-negative; when rounding makes b ≥ a the
 * difference is taken as 0 (−Infinity).
 */
export function logSubExp(a: number, b: number): number {
  if (b === NEG_INF) return a;
  if (b >= a) return NEG_INF;
  return a + log(-expm1(b - a));
}

/** 1 / (1 + exp(u)), for any u, without overflow. */
export function oneOverOnePlusExp(u: number): number {
  if (u === NEG_INF) return 1;
  return u > 0 ? exp(-u) / (1 + exp(-u)) : 1 / (1 + exp(u));
}
