import numeric from 'numeric';

// Math functions bound once: a global lookup in every iteration is slow in a vm context (jest).
const { exp, log, sqrt } = Math;

/**
 * Maximum likelihood for models whose parameters are all positive.
 *
 * The optimiser works on log-parameters, so positivity needs no constraints and the surface is
 * closer to quadratic. It is numeric.js's `uncmin` (BFGS with a backtracking line search). It is
 * given the mean negative log-likelihood (so the first, identity-Hessian step is of sensible
 * size whatever the number of customers) and a central-difference gradient.
 */

export interface MleOptions {
  /** Stop when the BFGS step (in log-parameters) is shorter than this. */
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

export interface MleResult {
  readonly params: number[];
  readonly logLikelihood: number;
  readonly iterations: number;
  /** False when the optimiser stopped for any reason other than a vanishing step. */
  readonly converged: boolean;
  readonly message: string;
}

const GRADIENT_STEP = 1e-6;

function centralGradient(f: (x: number[]) => number, x: number[]): number[] {
  const g = new Array<number>(x.length);
  for (let i = 0; i < x.length; i++) {
    const up = x.slice();
    const down = x.slice();
    up[i] += GRADIENT_STEP;
    down[i] -= GRADIENT_STEP;
    g[i] = (f(up) - f(down)) / (2 * GRADIENT_STEP);
  }
  return g;
}

export function maximizeLogLikelihood(
  logLikelihood: (params: number[]) => number,
  start: readonly number[],
  scale: number,
  options: MleOptions = {},
): MleResult {
  if (start.some((p) => !(p > 0) || !Number.isFinite(p))) throw new RangeError('start parameters must be positive and finite');
  // A NaN or infinite value would stop uncmin; an infinite cost makes the line search back off.
  const cost = (logParams: number[]) => {
    const ll = logLikelihood(logParams.map(exp));
    return Number.isFinite(ll) ? -ll / scale : Infinity;
  };
  const result = numeric.uncmin(
    cost,
    start.map(log),
    options.tolerance ?? 1e-9,
    (x: number[]) => centralGradient(cost, x),
    options.maxIterations ?? 1000,
  );
  const params = (result.solution as number[]).map(exp);
  return {
    params,
    logLikelihood: logLikelihood(params),
    iterations: result.iterations,
    converged: /smaller than tol/.test(result.message),
    message: result.message,
  };
}

/**
 * Standard errors from the inverse of the observed information (the Hessian of the negative
 * log-likelihood). The Hessian is taken numerically in log-parameters and carried to the
 * parameters by the delta method, SE(θ) = θ · SE(log θ), which at the maximum equals inverting
 * the Hessian in θ directly. Returns null when the Hessian is not positive definite (not a
 * maximum, or a flat direction).
 */
export function standardErrors(logLikelihood: (params: number[]) => number, params: readonly number[]): number[] | null {
  const n = params.length;
  const negLl = (logParams: number[]) => -logLikelihood(logParams.map(exp));
  const x0 = params.map(log);
  const h = 1e-4;
  const f0 = negLl(x0);
  const shifted = (i: number, di: number, j: number, dj: number) => {
    const x = x0.slice();
    x[i] += di;
    x[j] += dj;
    return negLl(x);
  };
  const hessian: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    hessian[i][i] = (shifted(i, h, i, 0) - 2 * f0 + shifted(i, -h, i, 0)) / (h * h);
    for (let j = 0; j < i; j++) {
      const v = (shifted(i, h, j, h) - shifted(i, h, j, -h) - shifted(i, -h, j, h) + shifted(i, -h, j, -h)) / (4 * h * h);
      hessian[i][j] = v;
      hessian[j][i] = v;
    }
  }
  const covariance = inverseOfPositiveDefinite(hessian);
  if (covariance === null) return null;
  return params.map((p, i) => p * sqrt(covariance[i][i]));
}

/** Inverse by Cholesky; null when the matrix is not positive definite. */
export function inverseOfPositiveDefinite(m: readonly (readonly number[])[]): number[][] | null {
  const n = m.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = m[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i][i] = sqrt(sum);
      } else {
        l[i][j] = sum / l[j][j];
      }
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inverse: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= l[i][k] * y[k];
      y[i] = sum / l[i][i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i];
      for (let k = i + 1; k < n; k++) sum -= l[k][i] * inverse[k][c];
      inverse[i][c] = sum / l[i][i];
    }
  }
  return inverse;
}
