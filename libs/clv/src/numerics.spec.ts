import stdlibHyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { hyp2f1, hyp2f1Series } from './hypergeometric';
import { logAddExp, logSubExp, oneOverOnePlusExp } from './log-space';
import { inverseOfPositiveDefinite, maximizeLogLikelihood, standardErrors } from './mle';

describe('hyp2f1', () => {
  it('matches closed forms on both of its paths', () => {
    for (const z of [0.01, 0.3, 0.89, 0.95, 0.999]) {
      // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z: the positive-series path below 0.9, @stdlib above.
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 12);
      // ₂F₁(a, b; b; z) = (1 − z)^−a
      expect(hyp2f1(0.7, 3.2, 3.2, z) * (1 - z) ** 0.7).toBeCloseTo(1, 11);
    }
  });

  it('agrees with @stdlib where both apply, for the Pareto/NBD family ₂F₁(1, b; c; z)', () => {
    for (const [b, c] of [
      [1.6, 2.2],
      [30.5, 32.1],
      [1.6, 301.2],
    ]) {
      for (const z of [0, 0.2, 0.6, 0.9]) expect(hyp2f1(1, b, c, z) / stdlibHyp2f1(1, b, c, z)).toBeCloseTo(1, 12);
    }
  });

  it('falls back to the series where @stdlib gives NaN', () => {
    // A heavy buyer near z = 1: @stdlib returns NaN here (checked, so the test notices a fix).
    const [a, b, c, z] = [303.385, 1.454, 304.385, 0.99772];
    expect(Number.isNaN(stdlibHyp2f1(a, b, c, z))).toBe(true);
    const v = hyp2f1(a, b, c, z);
    // ₂F₁(a, b; a+1; z) = a Σ (b)_k z^k / (k! (a+k)) lies between 1 and Σ (b)_k z^k / k! = (1−z)^−b.
    expect(v).toBeGreaterThan(1);
    expect(v).toBeLessThan((1 - z) ** -b);
    // Closed form of the same kind, at the same z and size: ₂F₁(1, 300; 300; z) = 1/(1 − z).
    expect(hyp2f1Series(1, 300, 300, z) * (1 - z)).toBeCloseTo(1, 10);
    expect(Number.isNaN(hyp2f1Series(1, 1, 2, 1))).toBe(true);
  });
});

describe('log-space helpers', () => {
  it('adds and subtracts without overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logSubExp(1000, 1000 + Math.log(0.5))).toBeCloseTo(1000 + Math.log(0.5), 12);
    expect(logSubExp(2, 2)).toBe(-Infinity);
    expect(oneOverOnePlusExp(700) / Math.exp(-700)).toBeCloseTo(1, 12);
    expect(oneOverOnePlusExp(-800)).toBe(1);
    expect(oneOverOnePlusExp(0)).toBe(0.5);
  });
});

describe('maximum likelihood', () => {
  // Poisson counts: the MLE of the rate is the mean and its standard error is √(mean/n).
  const counts = [0, 3, 1, 4, 2, 2, 7, 1, 0, 5, 3, 2];
  const n = counts.length;
  const mean = counts.reduce((s, c) => s + c, 0) / n;
  const logLikelihood = ([lambda]: number[]) => counts.reduce((s, c) => s + c * Math.log(lambda) - lambda, 0);

  it('finds the Poisson MLE and its standard error', () => {
    const fit = maximizeLogLikelihood(logLikelihood, [10], n);
    expect(fit.converged).toBe(true);
    expect(fit.params[0]).toBeCloseTo(mean, 7);
    const [se] = standardErrors(logLikelihood, fit.params) as number[];
    expect(se).toBeCloseTo(Math.sqrt(mean / n), 5);
  });

  it('returns no standard errors at a point that is not a maximum', () => {
    expect(standardErrors(([x]) => x * x, [1])).toBeNull();
  });

  it('inverts a positive-definite matrix and refuses an indefinite one', () => {
    const m = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const inv = inverseOfPositiveDefinite(m) as number[][];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = m[i].reduce((s, _, k) => s + m[i][k] * inv[k][j], 0);
        expect(v).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(
      inverseOfPositiveDefinite([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
  });

  it('refuses a non-positive start', () => {
    expect(() => maximizeLogLikelihood(logLikelihood, [0], n)).toThrow(RangeError);
  });
});
