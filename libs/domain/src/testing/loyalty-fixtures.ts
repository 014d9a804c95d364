import type { DecisionContext } from '../shared/message';
import type { LoyaltyRules } from '../loyalty/loyalty-rules';
import type {
  CouponIssued, CouponRedeemed, CouponReleased, PointsAdjusted, PointsClawedBack, PointsEarned, PointsExpired, PointsExpiryWarned,
  PointsRedeemed, TierChanged,
} from '../loyalty/loyalty.events';
import type { AdjustPoints, IssueCoupon, RedeemPoints } from '../loyalty/loyalty.commands';
import { CUSTOMER, NOW } from './customer-fixtures';

/**
 * Rules and loyalty events for specs. The rules are small on purpose: 1 point per euro, lots expire
 * after 12 months, four tiers by spend alone, and no bonus unless a spec adds one.
 */
export const RULES: LoyaltyRules = {
  version: 'rules-1',
  timeZone: 'Europe/Paris',
  defaultCurrency: 'EUR',
  currencies: {
    EUR: { minorUnitsPerUnit: 100, pointsPerUnit: 1, pointValue: { points: 100, minorUnits: 100 } },
    JPY: { minorUnitsPerUnit: 1, pointsPerUnit: 0.01, pointValue: { points: 1, minorUnits: 1 } },
  },
  bonuses: [],
  expiry: { kind: 'months-after-earning', months: 12 },
  expiryWarningDays: 30,
  tiers: [
    { name: 'standard', minSpend: { EUR: 0, JPY: 0 }, pointsMultiplier: 1, discountPercent: 0 },
    { name: 'silver', minSpend: { EUR: 50_000, JPY: 50_000 }, minOrders: 2, pointsMultiplier: 1.25, discountPercent: 5 },
    { name: 'gold', minSpend: { EUR: 150_000, JPY: 150_000 }, minOrders: 5, pointsMultiplier: 1.5, discountPercent: 10 },
    { name: 'platinum', minSpend: { EUR: 500_000, JPY: 500_000 }, minOrders: 10, pointsMultiplier: 2, discountPercent: 15 },
  ],
  tierPolicy: { qualifyBy: 'spend', windowMonths: 12, reviewPeriodMonths: 12 },
  referral: {
    windowDays: 30,
    referrer: { points: 500 },
    referee: { coupon: { kind: 'amount-off', amountOff: { EUR: 1000 }, minSpend: { EUR: 5000 }, validDays: 60 } },
  },
  birthday: { reward: { points: 200, coupon: { kind: 'percent-off', percentOff: 10, validDays: 30 } }, graceDays: 0 },
};

export const LOYAL: DecisionContext = { now: NOW, rules: RULES };

export const withRules = (over: Partial<LoyaltyRules>): DecisionContext => ({ now: NOW, rules: { ...RULES, ...over } });

type Over<T extends { data: object }> = Partial<T['data']>;

export const lcmd = {
  redeem: (over: Over<RedeemPoints> = {}): RedeemPoints => ({
    type: 'RedeemPoints', data: { customerId: CUSTOMER, redemptionId: 'rd-1', points: 30, rewardId: 'tote-bag', ...over },
  }),
  adjust: (over: Over<AdjustPoints> = {}): AdjustPoints => ({
    type: 'AdjustPoints',
    data: { customerId: CUSTOMER, adjustmentId: 'adj-1', points: 100, reason: 'goodwill', actor: 'agent-7', ...over },
  }),
  issueCoupon: (over: Over<IssueCoupon> = {}): IssueCoupon => ({
    type: 'IssueCoupon',
    data: {
      customerId: CUSTOMER, couponId: 'cp-1', offer: { kind: 'amount-off', amountOff: 1000, minSpend: 5000, currency: 'EUR' },
      validFrom: '2024-01-01T00:00:00Z', validTo: '2024-07-01T00:00:00Z', reason: 'campaign', ...over,
    },
  }),
  expire: (asOf: string) => ({ type: 'ExpirePoints' as const, data: { customerId: CUSTOMER, asOf } }),
  evaluateTier: (asOf: string) => ({ type: 'EvaluateTier' as const, data: { customerId: CUSTOMER, asOf } }),
};

/** The lot of order o-1 (5000 cents paid on 2024-02-01T10:00Z, 50 points), and friends. */
export const levt = {
  earned: (over: Over<PointsEarned> = {}): PointsEarned => {
    const orderId = over.orderId ?? 'o-1';
    return {
      type: 'PointsEarned',
      data: {
        customerId: CUSTOMER, lotId: `order:${orderId}`, source: 'purchase', orderId, points: 50, debtRepaid: 0,
        earnedAt: '2024-02-01T10:00:00.000Z', expiry: { kind: 'at', expiresAt: '2025-02-01T10:00:00.000Z' },
        rules: ['base', 'tier:standard'],
        basis: { paidAmount: 5000, currency: 'EUR', pointsPerUnit: 1, minorUnitsPerUnit: 100, tier: 'standard', tierMultiplier: 1, bonuses: [] },
        rulesVersion: 'rules-1',
        ...over,
      },
    };
  },
  redeemed: (over: Over<PointsRedeemed> = {}): PointsRedeemed => ({
    type: 'PointsRedeemed',
    data: {
      customerId: CUSTOMER, redemptionId: 'rd-1', rewardId: 'tote-bag', points: 30, lots: [{ lotId: 'order:o-1', points: 30 }],
      occurredAt: NOW, rulesVersion: 'rules-1', ...over,
    },
  }),
  expired: (over: Over<PointsExpired> = {}): PointsExpired => ({
    type: 'PointsExpired',
    data: {
      customerId: CUSTOMER, lotId: 'order:o-1', points: 50, expiredAt: '2025-02-01T10:00:00.000Z', policy: 'at', rulesVersion: 'rules-1', ...over,
    },
  }),
  warned: (over: Over<PointsExpiryWarned> = {}): PointsExpiryWarned => ({
    type: 'PointsExpiryWarned',
    data: {
      customerId: CUSTOMER, lotId: 'order:o-1', points: 50, expiresAt: '2025-02-01T10:00:00.000Z', warnedAt: '2025-01-15T00:00:00.000Z',
      rulesVersion: 'rules-1', ...over,
    },
  }),
  clawedBack: (over: Over<PointsClawedBack> = {}): PointsClawedBack => ({
    type: 'PointsClawedBack',
    data: {
      customerId: CUSTOMER, refundId: 'r-1', orderId: 'o-1', points: 15, lots: [{ lotId: 'order:o-1', points: 15 }], toDebt: 0,
      refundedAmount: 1500, paidAmount: 5000, occurredAt: '2024-02-05T10:00:00.000Z', rulesVersion: 'rules-1', ...over,
    },
  }),
  adjusted: (over: Over<PointsAdjusted> = {}): PointsAdjusted => ({
    type: 'PointsAdjusted',
    data: {
      customerId: CUSTOMER, adjustmentId: 'adj-1', points: 100, reason: 'goodwill', actor: 'agent-7', lotId: 'adjustment:adj-1',
      expiry: { kind: 'at', expiresAt: '2025-06-01T12:00:00.000Z' }, debtRepaid: 0, lots: [], occurredAt: NOW, rulesVersion: 'rules-1', ...over,
    },
  }),
  tierChanged: (over: Over<TierChanged> = {}): TierChanged => ({
    type: 'TierChanged',
    data: {
      customerId: CUSTOMER, from: 'standard', to: 'silver', reason: 'upgrade', trigger: 'order:o-1', changedAt: '2024-02-01T10:00:00.000Z',
      figures: {
        windowFrom: '2023-02-01T10:00:00.000Z', windowTo: '2024-02-01T10:00:00.000Z', currency: 'EUR', netSpend: 50_000, orders: 1,
        qualifyBy: 'spend', minSpend: 50_000, minOrders: 2,
      },
      nextReviewAt: '2025-02-01T10:00:00.000Z', rulesVersion: 'rules-1', ...over,
    },
  }),
  couponIssued: (over: Over<CouponIssued> = {}): CouponIssued => ({
    type: 'CouponIssued',
    data: {
      customerId: CUSTOMER, couponId: 'cp-1', offer: { kind: 'amount-off', amountOff: 1000, minSpend: 5000, currency: 'EUR' },
      validFrom: '2024-01-01T00:00:00.000Z', validTo: '2024-07-01T00:00:00.000Z', reason: 'campaign', issuedAt: NOW, rulesVersion: 'rules-1',
      ...over,
    },
  }),
  couponRedeemed: (over: Over<CouponRedeemed> = {}): CouponRedeemed => ({
    type: 'CouponRedeemed',
    data: {
      customerId: CUSTOMER, couponId: 'cp-1', orderId: 'o-1', reason: 'campaign',
      offer: { kind: 'amount-off', amountOff: 1000, minSpend: 5000, currency: 'EUR' }, orderAmount: 5000, currency: 'EUR',
      occurredAt: '2024-02-01T10:00:00.000Z', rulesVersion: 'rules-1', ...over,
    },
  }),
  couponReleased: (over: Over<CouponReleased> = {}): CouponReleased => ({
    type: 'CouponReleased',
    data: {
      customerId: CUSTOMER, couponId: 'cp-1', orderId: 'o-1', refundId: 'r-1', reason: 'campaign', occurredAt: '2024-02-05T10:00:00.000Z',
      rulesVersion: 'rules-1', ...over,
    },
  }),
};
