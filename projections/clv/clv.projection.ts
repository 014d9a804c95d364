import { type CustomerSummary, summarizeTransactions, type TimeUnit, type Transaction } from '@lifecycle/clv';
import type { ClockTicked, PurchaseRecorded, PurchaseRefunded } from '@lifecycle/domain';

/**
 * The clv projection's pure half: per customer, the purchase facts the customer-base models need,
 * kept current from the log, and the rules of its refit schedule. P(alive), expected purchases and
 * CLV are not stored: they depend on the instant they are asked for (T grows while nothing
 * happens), so the query computes them from these facts and the stored fit (clv.query.ts).
 *
 * The row keeps every order in the definition's currency with its refunds (event time and amount),
 * so that the summary as of any past day is the one `readPurchaseHistory` + `summarizeTransactions`
 * give for that day (the CLI's): one transaction per order on the order's day, refunds netted into
 * their order if they occurred by then, an order refunded in full dropped. The plain columns are
 * the same facts as of the head of the log, for people and SQL.
 */
export interface ClvOrder {
  /** null while only a refund of the order is known (ingest out of order). */
  readonly at: string | null;
  readonly amount: number | null; // minor units
  readonly refunds?: readonly { readonly at: string; readonly amount: number }[];
}

export interface ClvCustomerRow {
  readonly customerId: string;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  /** Distinct UTC days with a purchase: 1 + the model's frequency x. */
  readonly purchaseDays: number;
  /** Net spend of the days after the first, minor units: frequency × the model's m_x. */
  readonly repeatSpend: bigint;
  readonly orders: Readonly<Record<string, ClvOrder>>;
}

export const CLV = 'clv';

export type ClvFoldEvent = PurchaseRecorded | PurchaseRefunded;

/** The customer-row half of the fold, for one currency (models cannot add currencies). */
export function clvCustomerFold(currency: string) {
  return {
    name: CLV,
    version: 1,
    handles: ['PurchaseRecorded', 'PurchaseRefunded'] as ClvFoldEvent['type'][],
    keyOf: (event: ClvFoldEvent) => event.data.customerId,
    evolve(row: ClvCustomerRow | null, event: ClvFoldEvent): ClvCustomerRow | null {
      if (event.data.currency !== currency) return row;
      const orders = row?.orders ?? {};
      const known = orders[event.data.orderId];
      let order: ClvOrder;
      if (event.type === 'PurchaseRecorded') {
        if (known !== undefined && known.at !== null) return row; // the store refuses a second copy; nothing to add
        order = { ...known, at: event.data.occurredAt, amount: event.data.amount };
      } else {
        const refunds = [...(known?.refunds ?? []), { at: event.data.occurredAt, amount: event.data.amount }];
        order = { at: known?.at ?? null, amount: known?.amount ?? null, refunds };
      }
      return withFacts(event.data.customerId, { ...orders, [event.data.orderId]: order });
    },
    /** `evolve` over a batch's events of one customer, copying the orders once rather than per event. */
    evolveMany(row: ClvCustomerRow | null, events: readonly ClvFoldEvent[]): ClvCustomerRow | null {
      let orders: Record<string, ClvOrder> | undefined;
      for (const event of events) {
        if (event.data.currency !== currency) continue;
        const current = orders ?? row?.orders ?? {};
        const known = current[event.data.orderId];
        let order: ClvOrder;
        if (event.type === 'PurchaseRecorded') {
          if (known !== undefined && known.at !== null) continue;
          order = { ...known, at: event.data.occurredAt, amount: event.data.amount };
        } else {
          order = { at: known?.at ?? null, amount: known?.amount ?? null, refunds: [...(known?.refunds ?? []), { at: event.data.occurredAt, amount: event.data.amount }] };
        }
        orders ??= { ...current };
        orders[event.data.orderId] = order;
      }
      return orders === undefined ? row : withFacts(events[0]!.data.customerId, orders);
    },
  };
}

const MS_PER_DAY = 86_400_000;
const dayOf = (at: string) => Math.floor(Date.parse(at) / MS_PER_DAY);

/** The order's net amount from what was known at `until` (ms), or null when it is no purchase then. */
function netAt(order: ClvOrder, until: number): number | null {
  // Infinity: everything known counts, and no instant needs parsing.
  const all = until === Infinity;
  if (order.at === null || order.amount === null || (!all && Date.parse(order.at) > until)) return null;
  let net = order.amount;
  let refunded = false;
  for (const r of order.refunds ?? []) {
    if (!all && Date.parse(r.at) > until) continue;
    net -= r.amount;
    refunded = true;
  }
  // A zero-amount order nobody refunded is still a purchase; only refunds empty one.
  return refunded && net <= 0 ? null : net;
}

function withFacts(customerId: string, orders: Record<string, ClvOrder>): ClvCustomerRow {
  const dayTotals = new Map<number, number>();
  let first: string | null = null;
  let last: string | null = null;
  for (const order of Object.values(orders)) {
    const net = netAt(order, Infinity);
    if (net === null) continue;
    const at = order.at!;
    const day = dayOf(at);
    dayTotals.set(day, (dayTotals.get(day) ?? 0) + net);
    if (first === null || at < first) first = at;
    if (last === null || at > last) last = at;
  }
  const firstDay = first === null ? null : dayOf(first);
  let repeatSpend = 0;
  for (const [day, total] of dayTotals) if (day !== firstDay) repeatSpend += total;
  return { customerId, firstPurchaseAt: first, lastPurchaseAt: last, purchaseDays: dayTotals.size, repeatSpend: BigInt(repeatSpend), orders };
}

/**
 * The row's orders as the transactions known at `until` (inclusive instant), amounts divided by
 * `minorPerMajor` (the models' money is in major units, as the published figures).
 */
export function transactionsOf(row: Pick<ClvCustomerRow, 'customerId' | 'orders'>, until: string, minorPerMajor: number): Transaction[] {
  const limit = Date.parse(until);
  const out: Transaction[] = [];
  for (const order of Object.values(row.orders)) {
    const net = netAt(order, limit);
    if (net !== null) out.push({ customerId: row.customerId, at: order.at!, amount: net / minorPerMajor });
  }
  return out;
}

/** The end of a UTC day: the instant a summary "as of that day" observes to. */
export const endOfDay = (day: string): string => `${day}T23:59:59.999Z`;

/** One customer's summary as of the end of `asOfDay` (YYYY-MM-DD), null before his first purchase. */
export function customerSummaryAsOf(row: Pick<ClvCustomerRow, 'customerId' | 'orders'>, asOfDay: string, unit: TimeUnit, minorPerMajor: number): CustomerSummary | null {
  return summarizeTransactions(transactionsOf(row, endOfDay(asOfDay), minorPerMajor), { asOf: asOfDay, unit })[0] ?? null;
}

/** How often the log's clock refits the models. */
export type RefitSchedule = 'daily' | 'weekly' | 'off';

/**
 * The start (YYYY-MM-DD, 00:00 UTC) of the refit period holding `at`: the day, or the ISO week
 * (Monday). A refit is due when a tick lands in a later period than the last scheduled fit; it fits
 * as of the day before that start (the last whole day observed).
 */
export function periodStart(at: string, schedule: Exclude<RefitSchedule, 'off'>): string {
  const day = dayOf(at);
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
  const start = schedule === 'daily' ? day : day - ((((day + 3) % 7) + 7) % 7);
  return new Date(start * MS_PER_DAY).toISOString().slice(0, 10);
}

export const dayBefore = (day: string): string => new Date(Date.parse(day) - MS_PER_DAY).toISOString().slice(0, 10);

/** The latest tick instant of a batch, or null. */
export function latestTick(events: readonly { readonly type: string; readonly data: unknown }[]): string | null {
  let latest: string | null = null;
  for (const e of events) {
    if (e.type !== 'ClockTicked') continue;
    const at = (e.data as ClockTicked['data']).at;
    if (latest === null || at > latest) latest = at;
  }
  return latest;
}
