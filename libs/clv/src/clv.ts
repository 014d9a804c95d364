import type { TimeUnit } from './summary';

/**
 * Customer lifetime value over a finite horizon, the convention of lifetimes'
 * `customer_lifetime_value` (so numbers can be compared with it):
 *
 *   CLV = Σ_{i=1..months} v · (E[Y(i·f)] − E[Y((i−1)·f)]) / (1 + d)^i
 *
 * - E[Y(t)] is the customer's conditional expected number of purchases in (T, T+t], from a
 *   transaction model (BG/NBD or Pareto/NBD) given his history;
 * - v is the expected value of one of his future transactions (gamma-gamma), or a margin on it;
 * - f is the number of model time units in a month: 30 for days and 4.345 for weeks by default
 *   (lifetimes' factors; a month is not a calendar month), or `periodsPerMonth`;
 * - d is the monthly discount rate: month i's purchases are discounted as if paid at the end
 *   of month i.
 *
 * The result is in v's unit (e.g. dollars, or minor units if v is).
 */
export interface ClvOptions {
  /** Horizon in months (a positive integer). */
  readonly months: number;
  /** Discount rate per month, e.g. 0.01; 0 for undiscounted. */
  readonly monthlyDiscountRate: number;
  /** The time unit of the model's histories and parameters. */
  readonly unit: TimeUnit;
  /** Overrides the default 30 days or 4.345 weeks per month. */
  readonly periodsPerMonth?: number;
}

export const DEFAULT_PERIODS_PER_MONTH: Readonly<Record<TimeUnit, number>> = { days: 30, weeks: 4.345 };

/**
 * @param expectedPurchases E[Y(t)] of one customer: expected purchases in the next t time units.
 * @param expectedValue expected value of each future purchase of this customer.
 */
export function customerLifetimeValue(
  expectedPurchases: (t: number) => number,
  expectedValue: number,
  options: ClvOptions,
): number {
  const { months, monthlyDiscountRate: d } = options;
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`months must be a positive integer, got ${months}`);
  if (!(d > -1) || !Number.isFinite(d)) throw new RangeError(`monthlyDiscountRate must be finite and above -1, got ${d}`);
  const f = options.periodsPerMonth ?? DEFAULT_PERIODS_PER_MONTH[options.unit];
  if (!(f > 0)) throw new RangeError(`periodsPerMonth must be positive, got ${f}`);
  let value = 0;
  let before = 0;
  for (let i = 1; i <= months; i++) {
    const upTo = expectedPurchases(i * f);
    value += (expectedValue * (upTo - before)) / Math.pow(1 + d, i);
    before = upTo;
  }
  return value;
}
