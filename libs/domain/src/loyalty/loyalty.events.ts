import type { Event } from '../shared/message';
import type { LotExpiry } from './lot-expiry';

/**
 * Loyalty events live on the customer stream (`customer-<id>`) next to the customer's own, so one
 * read gives the decider everything. Each records the facts it decided (points, lots, thresholds)
 * and `rulesVersion`: a replay needs no rules, and every figure can be explained.
 */

/** Points taken from (or given to) one lot. */
export interface LotShare {
  readonly lotId: string;
  readonly points: number;
}

/** How a purchase's points were computed. */
export interface EarningBasis {
  readonly paidAmount: number;
  readonly currency: string;
  readonly pointsPerUnit: number;
  readonly minorUnitsPerUnit: number;
  readonly tier: string;
  readonly tierMultiplier: number;
  readonly bonuses: readonly AppliedBonus[];
}

export interface AppliedBonus {
  readonly ruleId: string;
  readonly multiplier: number;
  /** 'order': the whole order; 'items': only the share paid for items of the rule's categories. */
  readonly scope: 'order' | 'items';
}

export type PointsSource = 'purchase' | 'referral' | 'birthday';

export type PointsEarned = Event<
  'PointsEarned',
  {
    customerId: string;
    /** `order:<orderId>`, `referral:<refereeId>`, `birthday:<year>`. */
    lotId: string;
    source: PointsSource;
    orderId?: string;
    refereeId?: string;
    birthdayYear?: number;
    points: number;
    /** The part of `points` that paid off a negative balance; the lot holds the rest. */
    debtRepaid: number;
    earnedAt: string;
    expiry: LotExpiry;
    /** Every rule that applied: `base`, `tier:<name>`, `bonus:<id>`, `referral`, `birthday`. */
    rules: readonly string[];
    basis?: EarningBasis;
    rulesVersion: string;
  }
>;

export type PointsRedeemed = Event<
  'PointsRedeemed',
  {
    customerId: string;
    redemptionId: string;
    rewardId: string;
    points: number;
    /** Oldest lots first. */
    lots: readonly LotShare[];
    occurredAt: string;
    rulesVersion: string;
  }
>;

export type PointsExpired = Event<
  'PointsExpired',
  {
    customerId: string;
    lotId: string;
    points: number;
    /** The lot's expiry instant (the fact), not the tick that noticed it. */
    expiredAt: string;
    policy: LotExpiry['kind'];
    rulesVersion: string;
  }
>;

export type PointsExpiryWarned = Event<
  'PointsExpiryWarned',
  {
    customerId: string;
    lotId: string;
    /** What will expire at `expiresAt` if nothing is spent before. */
    points: number;
    expiresAt: string;
    warnedAt: string;
    rulesVersion: string;
  }
>;

export type PointsClawedBack = Event<
  'PointsClawedBack',
  {
    customerId: string;
    refundId: string;
    orderId: string;
    points: number;
    /** The order's own lot first, then the oldest others. */
    lots: readonly LotShare[];
    /** What no lot could cover: a negative balance that the next earnings pay off. */
    toDebt: number;
    /** The refunded share the clawback follows (cumulative for the order). */
    refundedAmount: number;
    paidAmount: number;
    occurredAt: string;
    rulesVersion: string;
  }
>;

export const ADJUSTMENT_REASONS = ['goodwill', 'complaint', 'correction', 'fraud', 'migration', 'other'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export type PointsAdjusted = Event<
  'PointsAdjusted',
  {
    customerId: string;
    adjustmentId: string;
    /** Positive: a new lot `adjustment:<id>`; negative: taken from the oldest lots. */
    points: number;
    reason: AdjustmentReason;
    actor: string;
    note?: string;
    lotId?: string;
    expiry?: LotExpiry;
    debtRepaid: number;
    lots: readonly LotShare[];
    occurredAt: string;
    rulesVersion: string;
  }
>;

/** What decided a tier: the rolling window's figures and the threshold compared with. */
export interface TierFigures {
  readonly windowFrom: string;
  readonly windowTo: string;
  readonly currency: string;
  readonly netSpend: number;
  readonly orders: number;
  readonly qualifyBy: 'spend' | 'spend-and-orders' | 'spend-or-orders';
  /** The reached level's threshold. */
  readonly minSpend: number;
  readonly minOrders?: number;
}

export type TierChanged = Event<
  'TierChanged',
  {
    customerId: string;
    from: string;
    to: string;
    /** upgrade: a purchase crossed a threshold; review: the periodic review (down, or up after a rules change). */
    reason: 'upgrade' | 'review';
    /** `order:<orderId>` or `review:<scheduled review instant>`: what made the decision, once. */
    trigger: string;
    changedAt: string;
    figures: TierFigures;
    /** Absent for the lowest level, which is never reviewed. */
    nextReviewAt?: string;
    rulesVersion: string;
  }
>;

/** A review that kept the tier: no change, but the next review moves on. */
export type TierRetained = Event<
  'TierRetained',
  {
    customerId: string;
    tier: string;
    trigger: string;
    reviewedAt: string;
    figures: TierFigures;
    nextReviewAt: string;
    rulesVersion: string;
  }
>;

export const COUPON_REASONS = ['birthday', 'referral', 'tier', 'campaign', 'service'] as const;
export type CouponReason = (typeof COUPON_REASONS)[number];

export type CouponOffer =
  /** "Spend `minSpend`, get `amountOff` off": minor units of `currency`. */
  | { readonly kind: 'amount-off'; readonly amountOff: number; readonly minSpend: number; readonly currency: string }
  | { readonly kind: 'percent-off'; readonly percentOff: number };

export type CouponIssued = Event<
  'CouponIssued',
  {
    customerId: string;
    couponId: string;
    offer: CouponOffer;
    /** Valid from `validFrom` (inclusive) to `validTo` (exclusive). */
    validFrom: string;
    validTo: string;
    reason: CouponReason;
    issuedAt: string;
    rulesVersion: string;
  }
>;

/** Carries the coupon's reason and offer, so projections count redemptions per reason without a join. */
export type CouponRedeemed = Event<
  'CouponRedeemed',
  {
    customerId: string;
    couponId: string;
    orderId: string;
    reason: CouponReason;
    offer: CouponOffer;
    orderAmount: number;
    currency: string;
    occurredAt: string;
    rulesVersion: string;
  }
>;

/** The order that used the coupon was refunded whole while the coupon was still valid. */
export type CouponReleased = Event<
  'CouponReleased',
  {
    customerId: string;
    couponId: string;
    orderId: string;
    refundId: string;
    reason: CouponReason;
    occurredAt: string;
    rulesVersion: string;
  }
>;

/** On the referee's stream (role 'referee') and on the referrer's (role 'referrer'). */
export type ReferralRewarded = Event<
  'ReferralRewarded',
  {
    customerId: string;
    role: 'referee' | 'referrer';
    refereeId: string;
    referrerId: string;
    points?: number;
    couponId?: string;
    settledAt: string;
    rulesVersion: string;
  }
>;

/** Settled without reward; `reason` is the refusal code (REFERRAL.*, CUSTOMER.SELF_REFERRAL). */
export type ReferralDeclined = Event<
  'ReferralDeclined',
  {
    customerId: string;
    referrerId: string;
    reason: string;
    settledAt: string;
    rulesVersion: string;
  }
>;

export type BirthdayRewarded = Event<
  'BirthdayRewarded',
  {
    customerId: string;
    year: number;
    /** The local date celebrated (Feb 28 for a Feb 29 birthday in a common year). */
    celebratedOn: string;
    timeZone: string;
    points?: number;
    couponId?: string;
    rewardedAt: string;
    rulesVersion: string;
  }
>;

export type LoyaltyEvent =
  | PointsEarned
  | PointsRedeemed
  | PointsExpired
  | PointsExpiryWarned
  | PointsClawedBack
  | PointsAdjusted
  | TierChanged
  | TierRetained
  | CouponIssued
  | CouponRedeemed
  | CouponReleased
  | ReferralRewarded
  | ReferralDeclined
  | BirthdayRewarded;

export type LoyaltyEventType = LoyaltyEvent['type'];

export const LOYALTY_EVENT_TYPES: readonly LoyaltyEventType[] = [
  'PointsEarned', 'PointsRedeemed', 'PointsExpired', 'PointsExpiryWarned', 'PointsClawedBack', 'PointsAdjusted',
  'TierChanged', 'TierRetained', 'CouponIssued', 'CouponRedeemed', 'CouponReleased', 'ReferralRewarded',
  'ReferralDeclined', 'BirthdayRewarded',
];

export const isLoyaltyEvent = (event: { readonly type: string }): event is LoyaltyEvent =>
  (LOYALTY_EVENT_TYPES as readonly string[]).includes(event.type);

/** Unique within the stream; the engine derives the event id from it (see upstreamKeyOf). */
export const loyaltyKeyOf = (event: LoyaltyEvent): string => {
  switch (event.type) {
    case 'PointsEarned':
      return `points-earned:${event.data.lotId}`;
    case 'PointsRedeemed':
      return `redemption:${event.data.redemptionId}`;
    case 'PointsExpired':
      return `points-expired:${event.data.lotId}:${event.data.expiredAt}`;
    case 'PointsExpiryWarned':
      return `points-expiry-warned:${event.data.lotId}:${event.data.expiresAt}`;
    case 'PointsClawedBack':
      return `clawback:${event.data.refundId}`;
    case 'PointsAdjusted':
      return `adjustment:${event.data.adjustmentId}`;
    case 'TierChanged':
    case 'TierRetained':
      return `tier:${event.data.trigger}`;
    case 'CouponIssued':
      return `coupon-issued:${event.data.couponId}`;
    case 'CouponRedeemed':
      return `coupon-redeemed:${event.data.couponId}:${event.data.orderId}`;
    case 'CouponReleased':
      return `coupon-released:${event.data.couponId}:${event.data.orderId}`;
    case 'ReferralRewarded':
      return event.data.role === 'referee' ? 'referral:referee' : `referral:referrer:${event.data.refereeId}`;
    case 'ReferralDeclined':
      return 'referral:referee';
    case 'BirthdayRewarded':
      return `birthday:${event.data.year}`;
    default: {
      const unknown: never = event;
      throw new Error(`no key for event type ${(unknown as { type: unknown }).type}`);
    }
  }
};
