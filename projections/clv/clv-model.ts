import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdProbabilityAlive,
  type BgNbdParams,
  type CustomerSummary,
  customerLifetimeValue,
  DEFAULT_PERIODS_PER_MONTH,
  expectedCohortRepeatPurchases,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaConditionalExpectedValue,
  type GammaGammaParams,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdProbabilityAlive,
  type ParetoNbdParams,
  type RepeatPurchaseHistory,
  type SpendHistory,
  type TimeUnit,
} from '@lifecycle/clv';

/**
 * The customer-base models as the engine uses them, by name: fit one on a summary, score customers
 * with a transaction model and the spend model, and the calibration/holdout checks. Pure: the
 * callers (CLI, projection, HTTP) bring the summaries.
 */
export const TRANSACTION_MODELS = ['bgnbd', 'paretonbd'] as const;
export type TransactionModel = (typeof TRANSACTION_MODELS)[number];
export const CLV_MODELS = [...TRANSACTION_MODELS, 'gammagamma'] as const;
export type ClvModel = (typeof CLV_MODELS)[number];
export const TIME_UNITS: readonly TimeUnit[] = ['days', 'weeks'];

export const isTransactionModel = (model: string): model is TransactionModel => (TRANSACTION_MODELS as readonly string[]).includes(model);

/** A fitted model as stored and printed: parameters by name (α is `alpha`, γ is `gamma`, β is `beta`). */
export interface ModelFit {
  readonly model: ClvModel;
  readonly unit: TimeUnit;
  readonly params: Readonly<Record<string, number>>;
  readonly standardErrors: Readonly<Record<string, number>> | null;
  readonly logLikelihood: number;
  /** Customers the likelihood was summed over (gamma-gamma: the repeat buyers with a positive mean spend). */
  readonly customers: number;
  readonly converged: boolean;
  readonly iterations: number;
}

export function fitModel(model: ClvModel, summaries: readonly CustomerSummary[], unit: TimeUnit): ModelFit {
  const fit =
    model === 'bgnbd'
      ? fitBgNbd(summaries)
      : model === 'paretonbd'
        ? fitParetoNbd(summaries)
        : fitGammaGamma(summaries.filter((c) => c.frequency > 0 && c.monetaryValue > 0));
  return {
    model,
    unit,
    params: { ...fit.params },
    standardErrors: fit.standardErrors === null ? null : { ...fit.standardErrors },
    logLikelihood: fit.logLikelihood,
    customers: fit.customers,
    converged: fit.converged,
    iterations: fit.iterations,
  };
}

/** P(alive), E[Y(t)] and E[X(t)] of one transaction model. */
export interface TransactionCurves {
  probabilityAlive(h: RepeatPurchaseHistory): number;
  conditionalExpectedPurchases(t: number, h: RepeatPurchaseHistory): number;
  expectedPurchases(t: number): number;
}

export function transactionCurves(model: TransactionModel, params: Readonly<Record<string, number>>): TransactionCurves {
  if (model === 'bgnbd') {
    const p = params as unknown as BgNbdParams;
    return {
      probabilityAlive: (h) => bgNbdProbabilityAlive(p, h),
      conditionalExpectedPurchases: (t, h) => bgNbdConditionalExpectedPurchases(p, t, h),
      expectedPurchases: (t) => bgNbdExpectedPurchases(p, t),
    };
  }
  const p = params as unknown as ParetoNbdParams;
  return {
    probabilityAlive: (h) => paretoNbdProbabilityAlive(p, h),
    conditionalExpectedPurchases: (t, h) => paretoNbdConditionalExpectedPurchases(p, t, h),
    expectedPurchases: (t) => paretoNbdExpectedPurchases(p, t),
  };
}

/**
 * The CLV horizon and discounting. The horizon is `horizon` time units; CLV splits it into
 * `round(horizon / month)` equal months (at least one; a month is 30 days or 4.345 weeks), so that
 * the months cover exactly the horizon of `expectedPurchases` and an undiscounted CLV is exactly
 * expectedPurchases × expectedAvgValue. Month i's purchases are discounted by (1 + d)^i, d the
 * monthly discount rate (lifetimes' convention; see libs/clv/src/clv.ts).
 */
export interface ScoringOptions {
  readonly horizon: number;
  readonly unit: TimeUnit;
  readonly monthlyDiscountRate: number;
}

export interface CustomerScore {
  readonly customerId: string;
  readonly pAlive: number;
  readonly expectedPurchases: number;
  readonly expectedAvgValue: number;
  readonly clv: number;
}

export function clvMonths(options: ScoringOptions): { months: number; periodsPerMonth: number } {
  if (!(options.horizon > 0) || !Number.isFinite(options.horizon)) throw new RangeError(`horizon must be a positive number, got ${options.horizon}`);
  const months = Math.max(1, Math.round(options.horizon / DEFAULT_PERIODS_PER_MONTH[options.unit]));
  return { months, periodsPerMonth: options.horizon / months };
}

export function scoreCustomer(
  curves: TransactionCurves,
  spend: GammaGammaParams,
  customer: RepeatPurchaseHistory & SpendHistory & { readonly customerId: string },
  options: ScoringOptions,
): CustomerScore {
  const { months, periodsPerMonth } = clvMonths(options);
  const expectedAvgValue = gammaGammaConditionalExpectedValue(spend, customer);
  const expected = (t: number) => curves.conditionalExpectedPurchases(t, customer);
  return {
    customerId: customer.customerId,
    pAlive: curves.probabilityAlive(customer),
    expectedPurchases: expected(options.horizon),
    expectedAvgValue,
    clv: customerLifetimeValue(expected, expectedAvgValue, { months, periodsPerMonth, unit: options.unit, monthlyDiscountRate: options.monthlyDiscountRate }),
  };
}

export function scoreCustomers(
  model: TransactionModel,
  params: Readonly<Record<string, number>>,
  spend: GammaGammaParams,
  customers: readonly CustomerSummary[],
  options: ScoringOptions,
): CustomerScore[] {
  const curves = transactionCurves(model, params);
  return customers.map((c) => scoreCustomer(curves, spend, c, options));
}

/** One row of the holdout check: customers with `frequency` repeat purchases in the calibration. */
export interface HoldoutClass {
  /** '0' … '6', and '7+' for seven or more (Fader, Hardie & Lee 2005, figure 4). */
  readonly frequency: string;
  readonly customers: number;
  /** Repeat purchases these customers made in the holdout, summed. */
  readonly actual: number;
  /** Σ E[Y(holdout) | x, t_x, T] over them. */
  readonly predicted: number;
}

/**
 * Predicted vs actual repeat purchases in the holdout, per calibration frequency class and in total
 * (the last row, frequency 'total'). `holdoutPurchases` maps a calibration customer to his repeat
 * purchases in (calibration end, holdout end]; `holdoutLength` is that interval in the model's unit.
 */
export function holdoutCheck(
  curves: TransactionCurves,
  calibration: readonly CustomerSummary[],
  holdoutPurchases: ReadonlyMap<string, number>,
  holdoutLength: number,
): HoldoutClass[] {
  const classes = Array.from({ length: 8 }, (_, i) => ({ frequency: i === 7 ? '7+' : String(i), customers: 0, actual: 0, predicted: 0 }));
  for (const c of calibration) {
    const row = classes[Math.min(7, c.frequency)]!;
    row.customers += 1;
    row.actual += holdoutPurchases.get(c.customerId) ?? 0;
    row.predicted += curves.conditionalExpectedPurchases(holdoutLength, c);
  }
  const total = classes.reduce((t, r) => ({ ...t, customers: t.customers + r.customers, actual: t.actual + r.actual, predicted: t.predicted + r.predicted }), {
    frequency: 'total',
    customers: 0,
    actual: 0,
    predicted: 0,
  });
  return [...classes, total];
}

/** Customers with x repeat purchases in the calibration: actual count and the model's expected count. */
export interface FrequencyBar {
  readonly frequency: string;
  readonly actual: number;
  readonly predicted: number;
}

/**
 * The calibration-period histogram (Fader, Hardie & Lee 2005, figure 3): customers by repeat
 * purchases 0 … 6 and 7+, actual vs expected. The expected count of class x is Σ_i P(X(T_i) = x)
 * over the customers, each over his own observation time T_i (`bgNbdProbabilityOfCount`).
 */
export function calibrationHistogram(
  calibration: readonly CustomerSummary[],
  probabilityOfCount: (x: number, T: number) => number,
): FrequencyBar[] {
  const bars = Array.from({ length: 8 }, (_, i) => ({ frequency: i === 7 ? '7+' : String(i), actual: 0, predicted: 0 }));
  for (const c of calibration) {
    bars[Math.min(7, c.frequency)]!.actual += 1;
    let below = 0;
    for (let x = 0; x < 7; x++) {
      const p = probabilityOfCount(x, c.T);
      bars[x]!.predicted += p;
      below += p;
    }
    bars[7]!.predicted += Math.max(0, 1 - below);
  }
  return bars;
}

/** Cumulative repeat purchases by time: actual (from each customer's repeat purchase times) and the model's. */
export interface TrackingPoint {
  readonly t: number;
  readonly actual: number;
  readonly predicted: number;
}

/**
 * The tracking plot's series at t = 1 … until (in the model's unit, time 0 = the start of the
 * cohort's first purchase day). `births` are the customers' acquisition times, `repeatTimes` the
 * times of every repeat purchase (each at the end of its day).
 */
export function trackingSeries(curves: TransactionCurves, births: readonly number[], repeatTimes: readonly number[], until: number): TrackingPoint[] {
  const times = Array.from({ length: Math.floor(until) }, (_, i) => i + 1);
  const predicted = expectedCohortRepeatPurchases((t) => curves.expectedPurchases(t), births, times);
  const sorted = [...repeatTimes].sort((a, b) => a - b);
  let k = 0;
  return times.map((t, i) => {
    while (k < sorted.length && sorted[k]! <= t + 1e-9) k += 1;
    return { t, actual: k, predicted: predicted[i]! };
  });
}

/**
 * BG/NBD P(X(t) = x): the probability that a customer acquired at 0 makes x repeat purchases in
 * (0, t], Fader, Hardie & Lee (2005), equation (8):
 *   B(a, b+x)/B(a, b) · Γ(r+x)/(Γ(r) x!) · (α/(α+t))^r (t/(α+t))^x
 *   + [x > 0] · B(a+1, b+x−1)/B(a, b) · [1 − (α/(α+t))^r Σ_{j<x} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j]
 * (libs/clv has the expectations, not this distribution; its specs check it sums to 1 and to E[X(t)].)
 */
export function bgNbdProbabilityOfCount(params: BgNbdParams, x: number, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return x === 0 ? 1 : 0;
  const logStay = Math.log(alpha / (alpha + t)); // ln(α/(α+t))
  const logGo = Math.log(t / (alpha + t)); // ln(t/(α+t))
  const lnB = betaln(a, b);
  const nbd = (j: number) => Math.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + j * logGo);
  const alive = Math.exp(betaln(a, b + x) - lnB + r * logStay) * nbd(x);
  if (x === 0) return alive;
  let below = 0;
  for (let j = 0; j < x; j++) below += nbd(j);
  // 1 − Σ is the NBD's tail P(N ≥ x): it cancels to rounding noise far out, hence the clamp.
  return alive + Math.exp(betaln(a + 1, b + x - 1) - lnB) * Math.max(0, 1 - Math.exp(r * logStay) * below);
}

const fractionDigits = new Map<string, number>();
/** 10^(the currency's minor-unit digits), from the runtime's ISO 4217 data (USD 100, JPY 1). */
export function minorPerMajor(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigits.set(currency, digits);
  }
  return 10 ** digits;
}
