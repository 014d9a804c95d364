/**
 * The customer-by-sufficient-statistic summary ("RFM summary") that BG/NBD, Pareto/NBD and
 * gamma-gamma are fitted on. Conventions (the ones of Fader, Hardie & Lee 2005 and of the
 * CDNOW summary files shipped with lifetimes, checked against them in summary.spec.ts):
 *
 * - Time is counted in whole UTC calendar days. Every purchase is reduced to its day; purchases on
 *   the same day are one transaction (their amounts are added up).
 * - The customer is "born" on the first purchase day. That day is not a repeat purchase.
 * - frequency = number of distinct purchase days after the first one, up to and including the
 *   as-of day.
 * - recency = days from the first purchase day to the last purchase day (0 when frequency = 0).
 * - T = days from the first purchase day to the as-of day. Equivalently, every event sits at the
 *   end of its day and observation ends at the end of the as-of day: purchases made on the as-of
 *   day count (recency may equal T), and a customer first seen on 1997-01-01 has T = 272 days
 *   (38.86 weeks) on 1997-09-30. This is what reproduces cdnow_customers_summary.csv.
 * - weeks = days / 7, unrounded.
 * - monetaryValue = mean of the day totals of the repeat days (the first day excluded), 0 when
 *   frequency = 0. Amounts are averaged as given: the caller chooses the unit.
 */

export type TimeUnit = 'days' | 'weeks';

export interface Transaction {
  readonly customerId: string;
  /** A Date, or an ISO-8601 string. A string with a time but no offset is read as UTC. */
  readonly at: Date | string;
  readonly amount: number;
}

export interface SummaryOptions {
  /** The last day observed (inclusive). Purchases on later days are ignored. */
  readonly asOf: Date | string;
  readonly unit: TimeUnit;
  /** Purchases on earlier days are ignored, so a customer is born on his first day on or after it. */
  readonly calibrationStart?: Date | string;
}

/** What the transaction models need: x, t_x and T in one time unit. */
export interface RepeatPurchaseHistory {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
}

/** What the spend model needs: the number of repeat transactions and their mean value. */
export interface SpendHistory {
  readonly frequency: number;
  readonly monetaryValue: number;
}

export interface CustomerSummary extends RepeatPurchaseHistory, SpendHistory {
  readonly customerId: string;
}

const MS_PER_DAY = 86_400_000;
const DAYS_PER_UNIT: Record<TimeUnit, number> = { days: 1, weeks: 7 };
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** The UTC day number (days since 1970-01-01) of an instant. */
export function utcDayNumber(at: Date | string): number {
  let ms: number;
  if (at instanceof Date) {
    ms = at.getTime();
  } else {
    // Date.parse reads a zone-less date-time as local time; the summary must not depend on the
    // machine's time zone, so such strings are read as UTC, like date-only strings are.
    ms = Date.parse(LOCAL_DATE_TIME.test(at) ? `${at.replace(' ', 'T')}Z` : at);
  }
  if (!Number.isFinite(ms)) throw new RangeError(`not a date: ${String(at)}`);
  return Math.floor(ms / MS_PER_DAY);
}

/**
 * Per-customer (frequency, recency, T, monetaryValue) as of a day, sorted by customerId
 * (code-unit order). Customers with no purchase on or before the as-of day (and on or after
 * calibrationStart) are left out.
 */
export function summarizeTransactions(
  transactions: Iterable<Transaction>,
  options: SummaryOptions,
): CustomerSummary[] {
  const asOfDay = utcDayNumber(options.asOf);
  const startDay = options.calibrationStart === undefined ? -Infinity : utcDayNumber(options.calibrationStart);
  if (startDay > asOfDay) throw new RangeError('calibrationStart is after asOf');
  const perUnit = DAYS_PER_UNIT[options.unit];
  if (perUnit === undefined) throw new RangeError(`unknown unit: ${String(options.unit)}`);

  const dayTotalsByCustomer = new Map<string, Map<number, number>>();
  for (const { customerId, at, amount } of transactions) {
    if (!Number.isFinite(amount)) throw new RangeError(`amount of ${customerId} is not a finite number`);
    const day = utcDayNumber(at);
    if (day > asOfDay || day < startDay) continue;
    let days = dayTotalsByCustomer.get(customerId);
    if (days === undefined) {
      days = new Map();
      dayTotalsByCustomer.set(customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + amount);
  }

  const summaries: CustomerSummary[] = [];
  for (const [customerId, dayTotals] of dayTotalsByCustomer) {
    const days = [...dayTotals.keys()].sort((p, q) => p - q);
    const first = days[0];
    const last = days[days.length - 1];
    let repeatSpend = 0;
    for (let i = 1; i < days.length; i++) repeatSpend += dayTotals.get(days[i]) as number;
    const frequency = days.length - 1;
    summaries.push({
      customerId,
      frequency,
      recency: (last - first) / perUnit,
      T: (asOfDay - first) / perUnit,
      monetaryValue: frequency > 0 ? repeatSpend / frequency : 0,
    });
  }
  return summaries.sort((p, q) => (p.customerId < q.customerId ? -1 : p.customerId > q.customerId ? 1 : 0));
}
