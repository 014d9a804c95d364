import { rejected } from '../shared/domain-error';
import { ErrorCode } from '../shared/error-codes';
import { canonicalInstant, parseInstant } from '../shared/instant';
import type { CustomerState } from '../customer/customer.state';
import { addDays } from './calendar';
import { type ExpiryStep, nextExpiryStep } from './lot-expiry';
import type { LoyaltyRules } from './loyalty-rules';
import { definedOnly, type Lot, type PointsLedger, type PointsMovement } from './points-ledger';

/**
 * Read functions over the ledger, as of any instant. A lot counts from its earning instant; points
 * leave it at the instants recorded (redemption, clawback, adjustment, expiry). Expiries due by
 * `asOf` that no tick has recorded yet are counted as expired all the same, so the answer does not
 * depend on when the clock last ticked.
 */

export interface LotView {
  readonly lotId: string;
  readonly source: Lot['source'];
  readonly orderId?: string;
  readonly earnedAt: string;
  readonly points: number;
  readonly remaining: number;
  /** The next instant points leave the lot by expiry, and how many. */
  readonly expiresAt?: string;
  readonly expiringPoints?: number;
  readonly rulesVersion: string;
}

export interface PointsView {
  readonly asOf: string;
  /** outstanding - debt. */
  readonly balance: number;
  readonly outstanding: number;
  /** A negative balance from a clawback, which the next earnings pay off. */
  readonly debt: number;
  /** The currency the points are valued in: the customer's, or the rules' default before any purchase. */
  readonly currency: string;
  /** Lots holding points at `asOf`, oldest first: the order they are spent in. */
  readonly lots: readonly LotView[];
  readonly expiringSoon: {
    readonly withinDays: number;
    readonly points: number;
    readonly lots: readonly { readonly lotId: string; readonly points: number; readonly expiresAt: string }[];
  };
}

export const pointsView = (state: CustomerState, asOf: string, rules: LoyaltyRules): PointsView => {
  const asOfMs = requireAsOf(asOf);
  const at = canonicalInstant(asOfMs);
  const ledger = state.loyalty.ledger;
  const lots = [...ledger.lots.values()]
    .sort((a, b) => (a.earnedAt < b.earnedAt ? -1 : a.earnedAt > b.earnedAt ? 1 : a.seq - b.seq))
    .flatMap((lot): LotView[] => {
      const now = lotAsOf(lot, at, asOfMs);
      if (!now || now.remaining <= 0) return [];
      return [definedOnly({
        lotId: lot.lotId, source: lot.source, orderId: lot.orderId, earnedAt: lot.earnedAt, points: lot.points, remaining: now.remaining,
        expiresAt: now.next && canonicalInstant(now.next.at), expiringPoints: now.next?.points, rulesVersion: lot.rulesVersion,
      })];
    });
  const horizon = canonicalInstant(addDays(asOfMs, rules.expiryWarningDays));
  const soon = lots.filter((l) => l.expiresAt !== undefined && l.expiresAt <= horizon)
    .map((l) => ({ lotId: l.lotId, points: l.expiringPoints!, expiresAt: l.expiresAt! }));
  const outstanding = lots.reduce((sum, l) => sum + l.remaining, 0);
  const debt = debtAsOf(ledger, at);
  return {
    asOf: at, balance: outstanding - debt, outstanding, debt, currency: state.currency ?? rules.defaultCurrency, lots,
    expiringSoon: { withinDays: rules.expiryWarningDays, points: soon.reduce((sum, l) => sum + l.points, 0), lots: soon },
  };
};

export interface PointsHistoryEntry extends PointsMovement {
  readonly balanceAfter: number;
}

/** Every points movement in the order it was recorded, with the rules, ids and lots behind it. */
export const pointsHistory = (state: CustomerState): readonly PointsHistoryEntry[] => {
  let balance = 0;
  return [...state.loyalty.ledger.movements.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((m) => {
      balance += m.points;
      return { ...m, balanceAfter: balance };
    });
};

const lotAsOf = (lot: Lot, at: string, atMs: number): { readonly remaining: number; readonly next?: ExpiryStep } | undefined => {
  if (lot.earnedAt > at) return undefined;
  let remaining = lot.held;
  let lapsed: number | undefined;
  for (const c of lot.consumptions) {
    if (c.at > at) continue;
    remaining -= c.points;
    if (c.byExpiry) lapsed = Math.max(lapsed ?? -Infinity, parseInstant(c.at)!);
  }
  const earnedAtMs = parseInstant(lot.earnedAt)!;
  let next = nextExpiryStep(lot.expiry, earnedAtMs, remaining, lapsed);
  while (next && next.at <= atMs) {
    remaining -= next.points;
    next = nextExpiryStep(lot.expiry, earnedAtMs, remaining, next.at);
  }
  return { remaining: Math.max(0, remaining), next };
};

const debtAsOf = (ledger: PointsLedger, at: string): number =>
  ledger.debtChanges.reduce((sum, c) => (c.at <= at ? sum + c.delta : sum), 0);

export const requireAsOf = (asOf: unknown): number => {
  const ms = parseInstant(asOf);
  if (ms === undefined) throw rejected(ErrorCode.INVALID_TIME, 'asOf must be an ISO-8601 instant such as 2024-03-01T09:15:00Z', { field: 'asOf' });
  return ms;
};
