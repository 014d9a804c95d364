import { canonicalInstant, canonicalMillis, type LoyaltyReplay, type LoyaltyRules } from '@lifecycle/domain';
import type { ReplayTable } from './loyalty-fold';

/**
 * The points read model: one row per customer, derived by the loyalty replay (the domain's own
 * decisions under the version's rules). The figures are the ledger after the customer's last fact
 * or tick; what expires after that is applied when a query names its instant (`pointsOf`).
 */
export const POINTS = 'points';

export const POINTS_HANDLES = [
  'CustomerRegistered', 'PurchaseRecorded', 'PurchaseRefunded', 'CustomerErased', 'PointsRedeemed', 'PointsAdjusted',
  'ReferralRewarded', 'ReferralDeclined', 'BirthdayRewarded', 'TierChanged', 'TierRetained', 'PointsExpiryWarned', 'PointsExpired',
  'ClockTicked',
] as const;

export interface PointsLot {
  readonly lotId: string;
  readonly earnedAt: string;
  /** As earned. */
  readonly points: number;
  readonly remaining: number;
  /** The lot's expiry instant (whole-lot policy), absent under an annual lapse. */
  readonly expiresAt?: string;
}

export interface PointsRow {
  readonly currency: string;
  /** Held in lots minus debt (a clawback beyond the balance). */
  readonly balance: number;
  readonly outstanding: number;
  readonly debt: number;
  readonly earned: number;
  readonly redeemed: number;
  readonly expired: number;
  readonly clawedBack: number;
  /** Signed sum of adjustments. */
  readonly adjusted: number;
  /** Recorded redemptions and debits the version's rules left short of points (0 under the live rules). */
  readonly shortfallMovements: number;
  readonly shortfallPoints: number;
  /** Open lots, oldest first (the order they are spent in). */
  readonly lots: readonly PointsLot[];
}

const canonicalSpelling = (text: string): string => (canonicalMillis(text) !== undefined ? text : canonicalInstant(Date.parse(text)));

export const summarizePoints = (replay: LoyaltyReplay, rules: LoyaltyRules): PointsRow => {
  const { state, shortfall } = replay;
  const ledger = state.loyalty.ledger;
  const lots = ledger.openLots.map((id): PointsLot => {
    const lot = ledger.lots.get(id)!;
    const expiresAt = lot.expiry.kind === 'at' ? canonicalSpelling(lot.expiry.expiresAt) : undefined;
    return { lotId: lot.lotId, earnedAt: lot.earnedAt, points: lot.points, remaining: lot.remaining, ...(expiresAt !== undefined && { expiresAt }) };
  });
  const outstanding = lots.reduce((sum, l) => sum + l.remaining, 0);
  return {
    currency: state.currency ?? rules.defaultCurrency,
    balance: ledger.balance,
    outstanding,
    debt: ledger.debt,
    earned: ledger.totals.earned,
    redeemed: ledger.totals.redeemed,
    expired: ledger.totals.expired,
    clawedBack: ledger.totals.clawedBack,
    adjusted: ledger.totals.adjusted,
    shortfallMovements: shortfall.movements,
    shortfallPoints: shortfall.points,
    lots,
  };
};

/** The table the loyalty fold writes (loyalty-fold.ts), and what it stores beside each replay. */
export const POINTS_TABLE: ReplayTable<PointsRow> = {
  projection: POINTS,
  table: 'points',
  scope: 'points',
  handles: POINTS_HANDLES,
  summarize: summarizePoints,
  columns: [
    { name: 'currency', type: 'text', value: (r) => r.currency },
    { name: 'balance', type: 'int8', value: (r) => r.balance },
    { name: 'outstanding', type: 'int8', value: (r) => r.outstanding },
    { name: 'debt', type: 'int8', value: (r) => r.debt },
    { name: 'earned', type: 'int8', value: (r) => r.earned },
    { name: 'redeemed', type: 'int8', value: (r) => r.redeemed },
    { name: 'expired', type: 'int8', value: (r) => r.expired },
    { name: 'clawed_back', type: 'int8', value: (r) => r.clawedBack },
    { name: 'adjusted', type: 'int8', value: (r) => r.adjusted },
    { name: 'shortfall_movements', type: 'int8', value: (r) => r.shortfallMovements },
    { name: 'shortfall_points', type: 'int8', value: (r) => r.shortfallPoints },
    { name: 'lots', type: 'jsonb', value: (r) => r.lots },
  ],
};
