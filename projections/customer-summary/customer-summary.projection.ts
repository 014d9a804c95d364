import type { CustomerEvent, InteractionRecorded } from '@lifecycle/domain';

/**
 * One row per customer: what a service desk or a campaign wants at a glance. No personal data: ids,
 * instants, counts and money only. Instants are ISO-8601 strings from the events (event time, never
 * the time of the replay), money is integer minor units as bigint.
 *
 * Points, tier, stage and segment belong to their own projections (points, tier, lifecycle, rfm);
 * the summary query will join their read models rather than this fold handling their events.
 */
export interface CustomerSummaryRow {
  readonly customerId: string;
  readonly registeredAt: string | null;
  /** null until a registration is seen; true while only a purchase has registered the customer. */
  readonly implicit: boolean | null;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  /** Every distinct order, fully refunded ones included (as the customer decider counts them). */
  readonly orderCount: number;
  /** Fixed by the first purchase (the decider refuses other currencies afterwards). */
  readonly currency: string | null;
  readonly grossRevenue: bigint;
  readonly refundedAmount: bigint;
  readonly netRevenue: bigint;
  /** Net revenue per order, rounded half up to whole minor units; null without orders. */
  readonly averageOrderValue: bigint | null;
  readonly interactionCounts: Readonly<Record<string, number>>;
  readonly lastInteractionAt: string | null;
  readonly lastSatisfaction: number | null;
  readonly lastSatisfactionAt: string | null;
  readonly lastNps: number | null;
  readonly lastNpsAt: string | null;
  /** Every complaint's instant, ascending: enough to count complaints in any window before any as-of. */
  readonly complaintTimes: readonly string[];
  readonly erasedAt: string | null;
}

export const CUSTOMER_SUMMARY = 'customer-summary';

export const customerSummaryFold = {
  name: CUSTOMER_SUMMARY,
  version: 1,
  handles: ['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRefunded', 'InteractionRecorded', 'CustomerErased'] as const,
  keyOf: (event: CustomerEvent): string => event.data.customerId,
  evolve: (row: CustomerSummaryRow | null, event: CustomerEvent): CustomerSummaryRow => evolveSummary(row ?? emptySummary(event.data.customerId), event),
};

export const emptySummary = (customerId: string): CustomerSummaryRow => ({
  customerId,
  registeredAt: null,
  implicit: null,
  firstPurchaseAt: null,
  lastPurchaseAt: null,
  orderCount: 0,
  currency: null,
  grossRevenue: 0n,
  refundedAmount: 0n,
  netRevenue: 0n,
  averageOrderValue: null,
  interactionCounts: {},
  lastInteractionAt: null,
  lastSatisfaction: null,
  lastSatisfactionAt: null,
  lastNps: null,
  lastNpsAt: null,
  complaintTimes: [],
  erasedAt: null,
});

/**
 * Each upstream fact is in the log once (its event id derives from the upstream id, and the store
 * refuses a second copy), so the fold counts without remembering order or interaction ids.
 */
export function evolveSummary(row: CustomerSummaryRow, event: CustomerEvent): CustomerSummaryRow {
  switch (event.type) {
    case 'CustomerRegistered': {
      const d = event.data;
      // As the customer decider: an explicit registration replaces an implicit one, never the reverse.
      if (row.implicit === false || (row.implicit === true && d.implicit)) return row;
      return { ...row, registeredAt: d.registeredAt, implicit: d.implicit };
    }
    case 'PurchaseRecorded': {
      const d = event.data;
      const orderCount = row.orderCount + 1;
      const netRevenue = row.netRevenue + BigInt(d.amount);
      return {
        ...row,
        orderCount,
        currency: row.currency ?? d.currency,
        grossRevenue: row.grossRevenue + BigInt(d.amount),
        netRevenue,
        averageOrderValue: perOrder(netRevenue, orderCount),
        // Orders arrive out of event-time order: first and last are the minimum and the maximum.
        firstPurchaseAt: earliest(row.firstPurchaseAt, d.occurredAt),
        lastPurchaseAt: latest(row.lastPurchaseAt, d.occurredAt),
      };
    }
    case 'PurchaseRefunded': {
      const netRevenue = row.netRevenue - BigInt(event.data.amount);
      return {
        ...row,
        refundedAmount: row.refundedAmount + BigInt(event.data.amount),
        netRevenue,
        averageOrderValue: perOrder(netRevenue, row.orderCount),
      };
    }
    case 'InteractionRecorded':
      return interaction(row, event.data);
    case 'CustomerErased':
      return row.erasedAt !== null ? row : { ...row, erasedAt: event.data.erasedAt };
    default: {
      const _exhaustive: never = event;
      return row;
    }
  }
}

function interaction(row: CustomerSummaryRow, d: InteractionRecorded['data']): CustomerSummaryRow {
  // "Last" is by event time; on a tie the later event in the log wins, which a replay repeats.
  const answersSatisfaction = d.satisfaction !== undefined && (row.lastSatisfactionAt === null || d.occurredAt >= row.lastSatisfactionAt);
  const answersNps = d.nps !== undefined && (row.lastNpsAt === null || d.occurredAt >= row.lastNpsAt);
  return {
    ...row,
    interactionCounts: { ...row.interactionCounts, [d.kind]: (row.interactionCounts[d.kind] ?? 0) + 1 },
    lastInteractionAt: latest(row.lastInteractionAt, d.occurredAt),
    ...(answersSatisfaction && { lastSatisfaction: d.satisfaction!, lastSatisfactionAt: d.occurredAt }),
    ...(answersNps && { lastNps: d.nps!, lastNpsAt: d.occurredAt }),
    ...(d.kind === 'complaint' && { complaintTimes: insertSorted(row.complaintTimes, d.occurredAt) }),
  };
}

/** Complaints in the 90 days up to and including `asOf`: (asOf - 90 days, asOf]. */
export function complaintsInLast90Days(complaintTimes: readonly string[], asOf: string): number {
  const end = Date.parse(asOf);
  const start = end - 90 * 24 * 60 * 60 * 1000;
  return complaintTimes.filter((at) => {
    const t = Date.parse(at);
    return t > start && t <= end;
  }).length;
}

/** Half up, in integers: floor((2n + d) / 2d) for n >= 0; a negative total (impossible today) rounds the same way. */
function perOrder(net: bigint, orders: number): bigint | null {
  if (orders === 0) return null;
  const d = BigInt(orders);
  const twice = 2n * net + d;
  const q = twice / (2n * d);
  return twice < 0n && twice % (2n * d) !== 0n ? q - 1n : q;
}

const earliest = (a: string | null, b: string): string => (a === null || b < a ? b : a);
const latest = (a: string | null, b: string): string => (a === null || b > a ? b : a);

function insertSorted(times: readonly string[], at: string): string[] {
  const i = times.findIndex((t) => t > at);
  return i === -1 ? [...times, at] : [...times.slice(0, i), at, ...times.slice(i)];
}
