/** Sums and differences of numbers held as logarithms, without overflow or underflow. */

/** log(exp(a) + exp(b)); either may be −Infinity. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * log(exp(a) − exp(b)) for a difference known to be non-negative; when rounding makes b ≥ a the
 * difference is taken as 0 (−Infinity).
 */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b >= a) return -Infinity;
  return a + Math.log(-Math.expm1(b - a));
}

/** 1 / (1 + exp(u)), for any u, without overflow. */
export function oneOverOnePlusExp(u: number): number {
  if (u === -Infinity) return 1;
  return u > 0 ? Math.exp(-u) / (1 + Math.exp(-u)) : 1 / (1 + Math.exp(u));
}
