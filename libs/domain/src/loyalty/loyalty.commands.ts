import type { Command } from '../shared/message';
import type { AdjustmentReason, CouponOffer, CouponReason } from './loyalty.events';

/**
 * Loyalty commands, decided by the customer decider on the customer stream. Time-driven ones
 * carry `asOf`, the instant the engine's clock (or a replay's timeline) says it is: the domain
 * never reads the time. Each is idempotent: the same command twice decides nothing the second time.
 */

export type RedeemPoints = Command<
  'RedeemPoints',
  {
    customerId: string;
    redemptionId: string;
    points: number;
    rewardId: string;
    /** When the redemption happened; the decision time (`context.now`) when absent. */
    occurredAt?: string;
  }
>;

export type AdjustPoints = Command<
  'AdjustPoints',
  {
    customerId: string;
    adjustmentId: string;
    /** Non-zero: positive credits a new lot, negative debits the oldest lots. */
    points: number;
    reason: AdjustmentReason;
    /** Who did it (the API key's name, an agent id). */
    actor: string;
    note?: string;
    occurredAt?: string;
  }
>;

/** Expires every lot due at `asOf` and warns once about each lot expiring within the warning days. */
export type ExpirePoints = Command<'ExpirePoints', { customerId: string; asOf: string }>;

/** The periodic review: at or after the customer's review date, the tier follows the rolling figures. */
export type EvaluateTier = Command<'EvaluateTier', { customerId: string; asOf: string }>;

export type IssueCoupon = Command<
  'IssueCoupon',
  {
    customerId: string;
    couponId: string;
    offer: CouponOffer;
    validFrom: string;
    validTo: string;
    reason: CouponReason;
  }
>;

export type GrantBirthdayReward = Command<
  'GrantBirthdayReward',
  {
    customerId: string;
    asOf: string;
    /** MM-DD, unsealed by the engine from the personal data (absent after erasure: no command). */
    birthday: string;
    /** IANA zone the customer's birthday is celebrated in. */
    timeZone: string;
  }
>;

/**
 * Settles the referral of the new customer `customerId`: decided by `settleReferral`, which needs
 * the referrer's state too and answers with events for both streams.
 */
export type SettleReferral = Command<'SettleReferral', { customerId: string; asOf: string }>;

/** The loyalty commands `decide` takes (SettleReferral spans two streams: see settleReferral). */
export type LoyaltyCommand = RedeemPoints | AdjustPoints | ExpirePoints | EvaluateTier | IssueCoupon | GrantBirthdayReward;
