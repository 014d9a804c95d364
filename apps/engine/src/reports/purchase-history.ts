import type { Transaction } from '@lifecycle/clv';
import type { PurchaseRecorded, PurchaseRefunded } from '@lifecycle/domain';
import { type EventStore, readLogPages } from '@lifecycle/event-store';

/**
 * Every customer's purchases as the customer-base models take them (`summarizeTransactions`),
 * read from the global log.
 *
 * How the facts become transactions:
 * - One transaction per order, at the order's `occurredAt`, in the currency's major units
 *   (cents / 100 for USD, yen as they are): the spend model's scale parameter γ is in the unit of
 *   the amounts, and the published CDNOW figures are in dollars.
 * - A refund reduces the order it refunds, on the order's day, not the refund's: the refund undoes
 *   part of that purchase rather than being a negative purchase of its own day. An order refunded
 *   in full is no transaction at all: the customer kept nothing, so it is not evidence that he
 *   was still buying (it neither counts as a repeat purchase nor moves recency). An order of
 *   amount 0 that nobody refunded stays a transaction (CDNOW has such orders, and the published
 *   summary counts them).
 * - `until` is what was known at that instant: orders and refunds that occurred later are left
 *   out, so a calibration-period summary is not changed by refunds made in the holdout.
 * - Models cannot add currencies: the log must hold one, or `currency` picks one (the others are
 *   left out and counted in `skippedOtherCurrency`).
 * - Erased customers keep their purchases: a purchase holds no personal data (crypto-shredding
 *   seals the profile, not the order facts), and the cohort they belonged to did buy them.
 */
export interface PurchaseHistoryOptions {
  /** Inclusive instant: facts that occurred after it are not read into the history. */
  readonly until?: Date | string;
  /** Only orders in this ISO 4217 currency; required when the log holds several. */
  readonly currency?: string;
  /** Events per `readAll` page. */
  readonly pageSize?: number;
  /** Called after each page with the number of events read so far. */
  readonly onProgress?: (eventsRead: number) => void;
}

export interface PurchaseHistory {
  /** One per order not refunded in full, in log order. */
  readonly transactions: Transaction[];
  /** The currency of the amounts (null when the log holds no purchase). */
  readonly currency: string | null;
  readonly eventsRead: number;
  /** Orders dropped because refunds covered their whole amount. */
  readonly fullyRefundedOrders: number;
  readonly skippedOtherCurrency: number;
}

export class MixedCurrenciesError extends Error {
  readonly code = 'CLV.MIXED_CURRENCIES';
  constructor(readonly currencies: readonly string[]) {
    super(`the log holds purchases in ${currencies.join(', ')}: choose one currency for the customer-base models`);
  }
}

interface Order {
  readonly customerId: string;
  readonly at: string;
  readonly currency: string;
  net: number; // minor units
  refunded: boolean;
}

const fractionDigits = new Map<string, number>();
/** 10^(the currency's minor-unit digits), from the runtime's ISO 4217 data (USD 100, JPY 1). */
function minorPerMajor(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigits.set(currency, digits);
  }
  return 10 ** digits;
}

export async function readPurchaseHistory(eventStore: EventStore, options: PurchaseHistoryOptions = {}): Promise<PurchaseHistory> {
  const until = options.until === undefined ? Infinity : instantMs(options.until);
  const orders = new Map<string, Order>(); // by customerId + order id, in first-seen (log) order
  const refunds: PurchaseRefunded['data'][] = [];
  let eventsRead = 0;
  for await (const page of readLogPages(eventStore, options)) {
    for (const event of page) {
      if (event.type === 'PurchaseRecorded') {
        const data = event.data as PurchaseRecorded['data'];
        if (Date.parse(data.occurredAt) > until) continue;
        orders.set(orderKey(data.customerId, data.orderId), { customerId: data.customerId, at: data.occurredAt, currency: data.currency, net: data.amount, refunded: false });
      } else if (event.type === 'PurchaseRefunded') {
        const data = event.data as PurchaseRefunded['data'];
        if (Date.parse(data.occurredAt) <= until) refunds.push(data);
      }
    }
    eventsRead += page.length;
    options.onProgress?.(eventsRead);
  }

  // Refunds are applied after the whole read: a refund may precede its order in the log (ingest
  // out of order), and the order is what it reduces.
  for (const refund of refunds) {
    const order = orders.get(orderKey(refund.customerId, refund.orderId));
    if (order === undefined) continue;
    order.net -= refund.amount;
    order.refunded = true;
  }

  const currencies = [...new Set([...orders.values()].map((o) => o.currency))].sort();
  const currency = options.currency ?? (currencies.length > 1 ? null : (currencies[0] ?? null));
  if (currency === null && currencies.length > 1) throw new MixedCurrenciesError(currencies);

  const transactions: Transaction[] = [];
  let fullyRefundedOrders = 0;
  let skippedOtherCurrency = 0;
  for (const order of orders.values()) {
    if (order.currency !== currency) {
      skippedOtherCurrency += 1;
      continue;
    }
    // A zero-amount order (a free item: CDNOW has some) is still a purchase; only refunds empty one.
    if (order.refunded && order.net <= 0) {
      fullyRefundedOrders += 1;
      continue;
    }
    transactions.push({ customerId: order.customerId, at: order.at, amount: order.net / minorPerMajor(order.currency) });
  }
  return { transactions, currency, eventsRead, fullyRefundedOrders, skippedOtherCurrency };
}

const orderKey = (customerId: string, orderId: string) => `${customerId}\u0000${orderId}`;

function instantMs(at: Date | string): number {
  const ms = at instanceof Date ? at.getTime() : Date.parse(at);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(at)}`);
  return ms;
}
