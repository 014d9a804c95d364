import { type CustomerSummary, summarizeTransactions, type TimeUnit } from '@lifecycle/clv';
import type { EventStore } from '@lifecycle/event-store';
import { csvCell } from './csv';
import { readPurchaseHistory } from './purchase-history';

export interface RepeatSummaryOptions {
  /** A day (`1997-09-30`: the whole day is observed) or an instant. */
  readonly asOf: string;
  readonly unit: TimeUnit;
  /** Needed only when the log holds purchases in several currencies. */
  readonly currency?: string;
  readonly onProgress?: (eventsRead: number) => void;
}

export interface RepeatSummary {
  readonly rows: CustomerSummary[];
  /** The currency monetary_value is in (major units), null for an empty log. */
  readonly currency: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The last instant a day or an instant covers: a bare day is observed to its end, as the summary counts days. */
export function observedUntil(asOf: string): string {
  const at = DAY.test(asOf) ? `${asOf}T23:59:59.999Z` : asOf;
  if (Number.isNaN(Date.parse(at))) throw new RangeError(`asOf ${asOf} is not a date (YYYY-MM-DD) or an ISO-8601 instant`);
  return at;
}

/**
 * `lifecycle report repeat-summary`: per customer, the customer-base summary (frequency = repeat
 * purchase days, recency and T from the first purchase day, monetary_value = mean spend of the repeat
 * days), from the log as it was known at `asOf`. The conventions are those of libs/clv
 * summarizeTransactions; how orders and refunds become transactions is readPurchaseHistory's.
 */
export async function repeatSummary(eventStore: EventStore, options: RepeatSummaryOptions): Promise<RepeatSummary> {
  const until = observedUntil(options.asOf);
  const history = await readPurchaseHistory(eventStore, { until, currency: options.currency, onProgress: options.onProgress });
  return { rows: summarizeTransactions(history.transactions, { asOf: until, unit: options.unit }), currency: history.currency };
}

/**
 * Half away from zero, as published tables round: 22.345 (a mean of cents, stored in binary as
 * 22.34499...) prints 22.35, as Hardie's file has it. The nudge is far below a cent and far above
 * the binary noise of sums of cents.
 */
export function fixed(x: number, decimals: number): string {
  const scale = 10 ** decimals;
  const rounded = Math.round(Math.abs(x) * scale + 1e-6) / scale;
  return (x < 0 && rounded > 0 ? '-' : '') + rounded.toFixed(decimals);
}

/** The CSV the issue defines: `customer_id,frequency,recency,T,monetary_value`, numbers at `decimals` places. */
export function repeatSummaryCsv(rows: readonly CustomerSummary[], decimals = 2): string {
  const lines = ['customer_id,frequency,recency,T,monetary_value'];
  for (const r of rows) {
    lines.push(`${csvCell(r.customerId)},${r.frequency},${fixed(r.recency, decimals)},${fixed(r.T, decimals)},${fixed(r.monetaryValue, decimals)}`);
  }
  return `${lines.join('\n')}\n`;
}
