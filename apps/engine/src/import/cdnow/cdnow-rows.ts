import { parseDecimal } from '../import-feed';

/** One CDNOW transaction line (CDNOW_master.txt or CDNOW_sample.txt; see ../shared/data/SOURCES.md). */
export interface CdnowRow {
  /** Customer id in the master file (`00004`): the engine's customer id, in both files. */
  readonly masterId: string;
  /** `YYYYMMDD`. */
  readonly day: string;
  readonly cds: number;
  /** US cents. */
  readonly cents: number;
  /** 1-based line number in the file. */
  readonly line: number;
}

export type CdnowLine = { readonly ok: true; readonly row: CdnowRow } | { readonly ok: false; readonly line: number; readonly reason: string } | null;

const DAY = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * Master lines have 4 fields (master id, date, CDs, dollars) after one header line; sample lines
 * have 5 (master id, sample id, date, CDs, dollars) and no header. Both are read by field count, so
 * either file works. Null for blank lines and the header.
 */
export function parseCdnowLine(text: string, line: number): CdnowLine {
  const f = text.trim().split(/\s+/);
  if (f.length === 1 && f[0] === '') return null;
  if (f[0] === 'customer_id') return null;
  if (f.length !== 4 && f.length !== 5) return { ok: false, line, reason: `expected 4 (master) or 5 (sample) fields, found ${f.length}` };
  const [masterId, day, cds, dollars] = f.length === 4 ? f : [f[0], f[2], f[3], f[4]];
  if (!/^\d{1,10}$/.test(masterId!)) return { ok: false, line, reason: `customer id ${masterId} is not a number` };
  const d = DAY.exec(day!);
  if (!d || Number.isNaN(Date.parse(`${d[1]}-${d[2]}-${d[3]}T00:00:00Z`))) return { ok: false, line, reason: `date ${day} is not YYYYMMDD` };
  const cents = parseDecimal(dollars!, 2);
  if (cents === undefined || cents < 0) return { ok: false, line, reason: `dollar value ${dollars} is not a non-negative amount` };
  if (!/^\d+$/.test(cds!)) return { ok: false, line, reason: `number of CDs ${cds} is not a whole number` };
  return { ok: true, row: { masterId: masterId!, day: day!, cds: Number(cds), cents, line } };
}

/**
 * The order id of a line, derived from its facts alone: customer, day, CDs and cents, plus the
 * occurrence number when a customer has identical lines on one day (255 such lines in the master).
 * Line numbers would differ between the master and the sample; the facts do not, so importing the
 * sample after the master (or any file twice) decides nothing new.
 */
export class CdnowOrderIds {
  private readonly seen = new Map<string, number>();

  next(row: CdnowRow): string {
    const base = `cdnow-${row.masterId}-${row.day}-${row.cds}-${row.cents}`;
    const n = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  }
}

/** The purchase message body of a line: USD cents, at midnight UTC of its day (CDNOW has days only). */
export function cdnowPurchase(row: CdnowRow, orderId: string): Record<string, unknown> {
  const at = `${row.day.slice(0, 4)}-${row.day.slice(4, 6)}-${row.day.slice(6, 8)}T00:00:00Z`;
  const items = row.cds > 0 ? [{ sku: 'cd', quantity: row.cds, amount: row.cents }] : undefined;
  return { orderId, amount: row.cents, currency: 'USD', occurredAt: at, ...(items ? { items } : {}) };
}
