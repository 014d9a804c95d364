import stdlibHyp2f1 from '@stdlib/math-base-special-hyp2f1';

// Globals bound once: a global lookup in every iteration is slow in a vm context (jest).
const { abs, max } = Math;
const { isFinite: finite } = Number;

/**
 * The Gaussian hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1.
 *
 * In general it is @stdlib's implementation (a port of Cephes), accurate to ~1e-13 in the forms
 * the models call it with. Two exceptions:
 * - ₂F₁(1, b; c; z) with c > b > 0, the form the Pareto/NBD likelihood is written in, is a
 *   series of positive terms whose ratio (b+k)/(c+k)·z stays below z: for z ≤ 0.9 it is summed
 *   directly (at most ~350 terms, exact to rounding). The likelihood calls it twice per customer
 *   and fit, and this is several times cheaper than the general algorithm.
 * - Where @stdlib returns NaN (parameters in the hundreds and z above ~0.996) the plain power
 *   series is summed instead; it converges for |z| < 1, slowly near 1, hence an iteration cap
 *   after which NaN is returned rather than a wrong number.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (a === 1 && c > b && b > 0 && z >= 0 && z <= 0.9) return hyp2f1Series(1, b, c, z);
  const v = stdlibHyp2f1(a, b, c, z);
  if (finite(v)) return v;
  return hyp2f1Series(a, b, c, z);
}

const SERIES_MAX_TERMS = 2_000_000;

/** Σ_k (a)_k (b)_k / ((c)_k k!) z^k, summed until the tail is below 1e-16 of the sum. */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (!(abs(z) < 1)) return NaN;
  // With a = 1 and c > b > 0 the ratio (b+k)/(c+k)·z rises towards z from the first term, so the
  // tail bound holds at once; otherwise only once k is large against the parameters.
  const settled = a === 1 && c > b && b > 0 && z >= 0 ? -1 : abs(a) + abs(b) + abs(c);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < SERIES_MAX_TERMS; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (!finite(sum)) return NaN;
    if (term === 0) return sum;
    // Past `settled` the ratio moves monotonically towards z, so the tail is below a geometric
    // series with ratio max(|ratio|, |z|).
    const q = max(abs(ratio), abs(z));
    if (k > settled && (abs(term) * q) / (1 - q) <= 1e-16 * abs(sum)) return sum;
  }
  return NaN;
}
