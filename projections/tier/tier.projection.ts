import { type LoyaltyReplay, type LoyaltyRules, tierLevelOf } from '@lifecycle/domain';
import type { ReplayTable } from '../points/loyalty-fold';

/**
 * The tier read model: one row per customer, the tier derived by the loyalty replay under the
 * version's rules (upgrades on purchases, reviews when the clock reaches them). The rolling spend
 * and the distance to the next tier depend on the instant asked: `tierOf` computes them then.
 */
export const TIER = 'tier';

export const TIER_HANDLES = [
  'CustomerRegistered', 'PurchaseRecorded', 'PurchaseRefunded', 'CustomerErased', 'ReferralRewarded', 'ReferralDeclined',
  'BirthdayRewarded', 'TierChanged', 'TierRetained', 'PointsExpiryWarned', 'ClockTicked',
] as const;

export interface TierRow {
  readonly tier: string;
  /** The last change; the registration while the customer never left the first tier. */
  readonly since: string | null;
  readonly nextReviewAt: string | null;
  /** Every change, oldest first. */
  readonly history: readonly { readonly at: string; readonly name: string }[];
  readonly currency: string;
}

export const summarizeTier = (replay: LoyaltyReplay, rules: LoyaltyRules): TierRow => {
  const { state } = replay;
  const tier = state.loyalty.tier;
  return {
    tier: tierLevelOf(rules, tier.name).level.name,
    since: tier.since ?? state.registeredAt ?? null,
    nextReviewAt: tier.nextReviewAt ?? null,
    history: tier.history,
    currency: state.currency ?? rules.defaultCurrency,
  };
};

/** The tier held at `asOf` by a row's history: the last change at or before it, else the first level. */
export const tierAt = (history: TierRow['history'], asOf: string, rules: LoyaltyRules): string => {
  const held = [...history].reverse().find((step) => step.at <= asOf);
  return tierLevelOf(rules, held?.name).level.name;
};

/** The table the loyalty fold writes (loyalty-fold.ts), and what it stores beside each replay. */
export const TIER_TABLE: ReplayTable<TierRow> = {
  projection: TIER,
  table: 'tier',
  scope: 'tier',
  handles: TIER_HANDLES,
  summarize: summarizeTier,
  columns: [
    { name: 'tier', type: 'text', value: (r) => r.tier },
    { name: 'since', type: 'timestamptz', value: (r) => r.since },
    { name: 'next_review_at', type: 'timestamptz', value: (r) => r.nextReviewAt },
    { name: 'history', type: 'jsonb', value: (r) => r.history },
    { name: 'currency', type: 'text', value: (r) => r.currency },
  ],
};
