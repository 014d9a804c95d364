import { maximizeLogLikelihood, standardErrors, type MleOptions } from './mle';

export interface FitOptions<P> extends MleOptions {
  /** Starting point of the optimiser; every parameter must be positive. */
  readonly start?: P;
}

export interface FittedModel<P> {
  readonly params: P;
  /** The maximised log-likelihood, summed over customers (the published scale). */
  readonly logLikelihood: number;
  /** From the inverse observed information; null when the Hessian is not positive definite. */
  readonly standardErrors: P | null;
  readonly customers: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Runs the MLE over a named parameter record, in the order of `names`. */
export function fitNamedParameters<P extends { [K in keyof P]: number }>(
  names: readonly (keyof P & string)[],
  logLikelihood: (params: P) => number,
  start: P,
  customers: number,
  options: MleOptions,
): FittedModel<P> {
  const toRecord = (v: readonly number[]) => Object.fromEntries(names.map((k, i) => [k, v[i]])) as P;
  const ll = (v: number[]) => logLikelihood(toRecord(v));
  const result = maximizeLogLikelihood(ll, names.map((k) => start[k]), customers, options);
  const se = standardErrors(ll, result.params);
  return {
    params: toRecord(result.params),
    logLikelihood: result.logLikelihood,
    standardErrors: se === null ? null : toRecord(se),
    customers,
    iterations: result.iterations,
    converged: result.converged,
  };
}
