import type { ClockTicked, CustomerEvent, PurchaseRecorded, PurchaseRefunded } from '@lifecycle/domain';

/**
 * The pure half of the RFM projection: which facts an event adds, and when the log's clock asks for
 * the daily snapshot. Scoring itself is the rule in @lifecycle/domain (rfm-score.ts), run in SQL by
 * rfm.scoring.sql.ts over the facts kept here.
 */
export const RFM = 'rfm';

export const RFM_HANDLES = ['PurchaseRecorded', 'PurchaseRefunded', 'ClockTicked'] as const;

export type RfmEvent = PurchaseRecorded | PurchaseRefunded | ClockTicked;

export interface PurchaseFactRow {
  readonly customerId: string;
  readonly orderId: string;
  readonly occurredAt: string;
  readonly amount: number;
}

export interface RefundFactRow {
  readonly customerId: string;
  readonly refundId: string;
  readonly orderId: string;
  readonly occurredAt: string;
  readonly amount: number;
}

export type RfmFact = { readonly kind: 'purchase'; readonly row: PurchaseFactRow } | { readonly kind: 'refund'; readonly row: RefundFactRow };

export function factOf(event: CustomerEvent | RfmEvent): RfmFact | null {
  switch (event.type) {
    case 'PurchaseRecorded': {
      const { customerId, orderId, occurredAt, amount } = event.data;
      return { kind: 'purchase', row: { customerId, orderId, occurredAt, amount } };
    }
    case 'PurchaseRefunded': {
      const { customerId, refundId, orderId, occurredAt, amount } = event.data;
      return { kind: 'refund', row: { customerId, refundId, orderId, occurredAt, amount } };
    }
    default:
      return null;
  }
}

const DAY_MS = 86_400_000;

/**
 * The midnight (UTC) a clock tick passed since the previous tick, as a canonical instant, or null.
 * The first tick the projection sees passes the midnight that began its day. When the clock jumped
 * several days (the engine was down), only the latest midnight is taken: any earlier date is computed
 * on demand when someone asks for it, with the same result.
 */
export function midnightPassed(previousTick: string | null, tick: string): string | null {
  const at = Date.parse(tick);
  const midnight = Math.floor(at / DAY_MS) * DAY_MS;
  if (previousTick !== null && Date.parse(previousTick) >= midnight) return null;
  return new Date(midnight).toISOString();
}
