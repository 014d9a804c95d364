import type { CustomerRegistered, InteractionRecorded, PurchaseRecorded, PurchaseRefunded } from '@lifecycle/domain';
import { type EventStore, readLogPages } from '@lifecycle/event-store';

/**
 * The retention playbooks' measures for a period, from the facts in the log. Definitions (the
 * README's "Analyst reports" section says the same):
 *
 * - period: [from, to], both inclusive; a bare day (`2024-03-31`) means the whole day (UTC). The
 *   previous period is the one of the same length that ends where this one starts.
 * - customers: registered (explicitly, or by a first purchase) by the end of the period.
 * - new customers: customers whose first purchase falls in the period.
 * - active customers: customers with at least one purchase in the period.
 * - retention rate: of the customers active in the previous period, the share active in this one.
 *   churn rate = 1 - retention rate: the share of them who did not buy again in this period.
 * - repeat-purchase rate: of the active customers, the share with two or more orders in the period.
 * - average order value: mean net value (amount minus the refunds of that order made by the end of
 *   the period) of the orders placed in the period, per currency, for all orders, orders of new
 *   customers (first purchase in the period) and orders of returning ones (bought before it).
 * - satisfaction score: of the customers who answered a satisfaction survey (1-5) in the period
 *   (their last answer counts), the share who answered 4 (satisfied) or 5 (very satisfied).
 * - NPS: of the customers who answered the 0-10 question in the period (last answer counts), the
 *   share of promoters (9-10) minus the share of detractors (0-6), times 100.
 * - referral rate: of the customers who registered in the period, the share whose registration
 *   names a referrer.
 * A rate whose denominator is 0 is null (not 0): there was nobody to measure.
 */
export interface Rate {
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator, null when the denominator is 0. */
  readonly value: number | null;
}

export interface OrderValue {
  readonly orders: number;
  /** Minor units of the currency. */
  readonly total: number;
  /** Mean, minor units (not rounded); null without orders. */
  readonly average: number | null;
}

export interface Measures {
  readonly from: string;
  readonly to: string;
  readonly customers: number;
  readonly newCustomers: number;
  readonly activeCustomers: number;
  readonly orders: number;
  readonly retentionRate: Rate;
  readonly churnRate: Rate;
  readonly repeatPurchaseRate: Rate;
  readonly averageOrderValue: Readonly<Record<string, { all: OrderValue; new: OrderValue; returning: OrderValue }>>;
  readonly satisfactionScore: Rate;
  /** -100..100; numerator = promoters - detractors. */
  readonly nps: Rate;
  readonly referralRate: Rate;
}

export type MeasureFact = CustomerRegistered | PurchaseRecorded | PurchaseRefunded | InteractionRecorded;

export interface Period {
  readonly from: string;
  readonly to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The period's bounds in ms: from its first to its last instant, both inclusive. */
export function periodBounds(period: Period): { start: number; end: number } {
  const start = Date.parse(DAY.test(period.from) ? `${period.from}T00:00:00.000Z` : period.from);
  const end = Date.parse(DAY.test(period.to) ? `${period.to}T23:59:59.999Z` : period.to);
  if (Number.isNaN(start)) throw new RangeError(`from ${period.from} is not a date (YYYY-MM-DD) or an ISO-8601 instant`);
  if (Number.isNaN(end)) throw new RangeError(`to ${period.to} is not a date (YYYY-MM-DD) or an ISO-8601 instant`);
  if (end < start) throw new RangeError(`to ${period.to} is before from ${period.from}`);
  return { start, end };
}

const rate = (numerator: number, denominator: number): Rate => ({ numerator, denominator, value: denominator === 0 ? null : numerator / denominator });
const orderValue = (orders: number, total: number): OrderValue => ({ orders, total, average: orders === 0 ? null : total / orders });

interface Order {
  readonly customerId: string;
  readonly at: number;
  readonly currency: string;
  net: number;
}

/** Folds facts (any order) into the period's measures. */
export class MeasuresFold {
  private readonly registeredAt = new Map<string, number>();
  private readonly referred = new Set<string>();
  private readonly firstPurchase = new Map<string, number>();
  private readonly orders = new Map<string, Order>();
  private readonly refunds: { key: string; at: number; amount: number }[] = [];
  private readonly satisfaction = new Map<string, { at: number; score: number }>();
  private readonly npsAnswers = new Map<string, { at: number; score: number }>();
  private readonly start: number;
  private readonly end: number;

  constructor(private readonly period: Period) {
    ({ start: this.start, end: this.end } = periodBounds(period));
  }

  add(fact: MeasureFact): void {
    switch (fact.type) {
      case 'CustomerRegistered': {
        const { customerId, registeredAt, referrerId } = fact.data;
        const at = Date.parse(registeredAt);
        const known = this.registeredAt.get(customerId);
        if (known === undefined || at < known) this.registeredAt.set(customerId, at);
        if (referrerId !== undefined && at <= this.end) this.referred.add(customerId);
        return;
      }
      case 'PurchaseRecorded': {
        const { customerId, orderId, occurredAt, amount, currency } = fact.data;
        const at = Date.parse(occurredAt);
        const first = this.firstPurchase.get(customerId);
        if (first === undefined || at < first) this.firstPurchase.set(customerId, at);
        this.orders.set(`${customerId}\u0000${orderId}`, { customerId, at, currency, net: amount });
        return;
      }
      case 'PurchaseRefunded':
        this.refunds.push({ key: `${fact.data.customerId}\u0000${fact.data.orderId}`, at: Date.parse(fact.data.occurredAt), amount: fact.data.amount });
        return;
      case 'InteractionRecorded': {
        const { customerId, kind, occurredAt, satisfaction, nps } = fact.data;
        const at = Date.parse(occurredAt);
        if (kind !== 'survey' || at < this.start || at > this.end) return;
        const keepLast = (answers: Map<string, { at: number; score: number }>, score: number | undefined) => {
          if (score === undefined) return;
          const known = answers.get(customerId);
          if (known === undefined || at >= known.at) answers.set(customerId, { at, score });
        };
        keepLast(this.satisfaction, satisfaction);
        keepLast(this.npsAnswers, nps);
        return;
      }
      default: {
        const unknown: never = fact;
        throw new Error(`not a measure fact: ${(unknown as { type: string }).type}`);
      }
    }
  }

  result(): Measures {
    const { start, end } = this;
    const previousStart = start - (end + 1 - start);
    for (const r of this.refunds) {
      const order = this.orders.get(r.key);
      if (order && r.at <= end) order.net -= r.amount;
    }
    const activeNow = new Map<string, number>();
    const activeBefore = new Set<string>();
    const aov = new Map<string, { all: [number, number]; new: [number, number]; returning: [number, number] }>();
    for (const o of this.orders.values()) {
      if (o.at >= previousStart && o.at < start) activeBefore.add(o.customerId);
      if (o.at < start || o.at > end) continue;
      activeNow.set(o.customerId, (activeNow.get(o.customerId) ?? 0) + 1);
      const group = this.firstPurchase.get(o.customerId)! >= start ? 'new' : 'returning';
      let v = aov.get(o.currency);
      if (!v) aov.set(o.currency, (v = { all: [0, 0], new: [0, 0], returning: [0, 0] }));
      v.all[0]++;
      v.all[1] += o.net;
      v[group][0]++;
      v[group][1] += o.net;
    }
    const retained = [...activeBefore].filter((c) => activeNow.has(c)).length;
    const newCustomers = [...this.firstPurchase.values()].filter((at) => at >= start && at <= end).length;
    const registeredInPeriod = [...this.registeredAt].filter(([, at]) => at >= start && at <= end).map(([c]) => c);
    const sat = [...this.satisfaction.values()];
    const nps = [...this.npsAnswers.values()];
    const promoters = nps.filter((a) => a.score >= 9).length;
    const detractors = nps.filter((a) => a.score <= 6).length;
    const npsRate = rate(promoters - detractors, nps.length);
    return {
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      customers: [...this.registeredAt.values()].filter((at) => at <= end).length,
      newCustomers,
      activeCustomers: activeNow.size,
      orders: [...activeNow.values()].reduce((a, b) => a + b, 0),
      retentionRate: rate(retained, activeBefore.size),
      churnRate: rate(activeBefore.size - retained, activeBefore.size),
      repeatPurchaseRate: rate([...activeNow.values()].filter((n) => n >= 2).length, activeNow.size),
      averageOrderValue: Object.fromEntries(
        [...aov].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, v]) => [
          currency,
          { all: orderValue(...v.all), new: orderValue(...v.new), returning: orderValue(...v.returning) },
        ]),
      ),
      satisfactionScore: rate(sat.filter((a) => a.score >= 4).length, sat.length),
      nps: { ...npsRate, value: npsRate.value === null ? null : npsRate.value * 100 },
      referralRate: rate(registeredInPeriod.filter((c) => this.referred.has(c)).length, registeredInPeriod.length),
    };
  }
}

const FACT_TYPES = new Set(['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRefunded', 'InteractionRecorded']);

/** `lifecycle report measures`: the whole log read once (facts after the period are ignored). */
export async function readMeasures(eventStore: EventStore, period: Period, options: { pageSize?: number; onProgress?: (eventsRead: number) => void } = {}): Promise<Measures> {
  const fold = new MeasuresFold(period);
  let read = 0;
  for await (const page of readLogPages(eventStore, options)) {
    for (const e of page) if (FACT_TYPES.has(e.type)) fold.add({ type: e.type, data: e.data } as MeasureFact);
    read += page.length;
    options.onProgress?.(read);
  }
  return fold.result();
}
