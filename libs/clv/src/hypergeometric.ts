import stdlibHyp2f1 from '@stdlib/math-base-special-hyp2f1';

/**
 * The Gaussian hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1.
 *
 * @stdlib's implementation (a port of Cephes) is accurate to ~1e-13 in the forms the models call
 * it with, but returns NaN in a corner (parameters in the hundreds and z above ~0.996). There the
 * plain power series is summed instead: it converges for |z| < 1, slowly near 1, hence the
 * iteration cap, after which NaN is returned rather than a wrong number.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const v = stdlibHyp2f1(a, b, c, z);
  if (Number.isFinite(v)) return v;
  return hyp2f1Series(a, b, c, z);
}

const SERIES_MAX_TERMS = 2_000_000;

export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (!(Math.abs(z) < 1)) return NaN;
  const settled = Math.abs(a) + Math.abs(b) + Math.abs(c);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < SERIES_MAX_TERMS; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (!Number.isFinite(sum)) return NaN;
    if (term === 0) return sum;
    // Once k is large against the parameters the ratio moves monotonically towards z, so the
    // tail is below a geometric series with ratio max(|ratio|, |z|).
    const q = Math.max(Math.abs(ratio), Math.abs(z));
    if (k > settled && (Math.abs(term) * q) / (1 - q) <= 1e-16 * Math.abs(sum)) return sum;
  }
  return NaN;
}
