import { notFound, rejected } from '../shared/domain-error';
import { ErrorCode } from '../shared/error-codes';
import { parseInstant } from '../shared/instant';
import type { DecisionContext } from '../shared/message';
import { optionalText, requireId, requireInstant, requireText } from '../shared/validation';
import type { CustomerEvent, PurchaseRecorded, PurchaseRefunded } from '../customer/customer.events';
import type { CustomerState } from '../customer/customer.state';
import { grantBirthdayReward } from './birthday';
import { issueCoupon, redeemCoupon, releaseCoupon } from './coupons';
import type { LoyaltyCommand } from './loyalty.commands';
import type { LoyaltyEvent } from './loyalty.events';
import type { LoyaltyRules } from './loyalty-rules';
import {
  adjust, type Adjustment, clawBack, expireDue, expiryWarnings, knownAdjustment, knownRedemption, pointsEarned, purchasePoints,
  redeem, type Redemption, requireAdjustmentReason, requirePoints,
} from './points.decide';
import { requireRules } from './rules-missing-error';
import { reviewTier, upgradeOnPurchase } from './tiers';

/**
 * The loyalty commands, decided on the customer state (the customer decider routes them here).
 * Same order as the customer's: fields, then a known id (repeat or conflict), then the rules for
 * new facts. Time-driven commands (ExpirePoints, EvaluateTier, GrantBirthdayReward) never refuse a
 * customer: what is not due, or not for this customer, decides nothing.
 */
export const decideLoyalty = (command: LoyaltyCommand, state: CustomerState, context: DecisionContext): LoyaltyEvent[] => {
  const rules = requireRules(context, command.type);
  const { ledger } = state.loyalty;
  switch (command.type) {
    case 'RedeemPoints': {
      const { data } = command;
      const r: Redemption = {
        customerId: data.customerId,
        redemptionId: requireId(data.redemptionId, 'redemptionId'),
        rewardId: requireId(data.rewardId, 'rewardId'),
        points: requirePoints(data.points, 'points', false),
        occurredAt: data.occurredAt == null ? context.now : requireInstant(data.occurredAt, 'occurredAt'),
      };
      const known = knownRedemption(ledger, r);
      if (known) return known;
      refuseUnlessActive(state, data.customerId);
      return redeem(ledger, r, rules);
    }
    case 'AdjustPoints': {
      const { data } = command;
      const a: Adjustment = {
        customerId: data.customerId,
        adjustmentId: requireId(data.adjustmentId, 'adjustmentId'),
        points: requirePoints(data.points, 'points', true),
        reason: requireAdjustmentReason(data.reason),
        actor: requireText(data.actor, 'actor'),
        note: optionalText(data.note, 'note'),
        occurredAt: data.occurredAt == null ? context.now : requireInstant(data.occurredAt, 'occurredAt'),
      };
      const known = knownAdjustment(ledger, a);
      if (known) return known;
      refuseUnlessActive(state, data.customerId);
      return adjust(ledger, a, rules);
    }
    case 'ExpirePoints': {
      const asOfMs = parseInstant(requireInstant(command.data.asOf, 'asOf'))!;
      const expired = expireDue(ledger, asOfMs, command.data.customerId, rules.version);
      // Points of an erased customer still expire (the liability must); nobody is left to warn.
      const warnings = state.erasedAt === undefined ? expiryWarnings(expired.ledger, asOfMs, rules, command.data.customerId) : [];
      return [...expired.events, ...warnings];
    }
    case 'EvaluateTier': {
      const asOfMs = parseInstant(requireInstant(command.data.asOf, 'asOf'))!;
      return state.erasedAt === undefined ? reviewTier(state, asOfMs, rules) : [];
    }
    case 'IssueCoupon': {
      const couponId = requireId(command.data.couponId, 'couponId');
      if (RESERVED_COUPON_PREFIXES.some((prefix) => couponId.startsWith(prefix))) {
        throw rejected(ErrorCode.INVALID_ID, `couponId must not start with ${RESERVED_COUPON_PREFIXES.join(' or ')}: the engine issues those`, { field: 'couponId' });
      }
      const issued = issueCoupon(command, state.loyalty.coupons, context.now, rules);
      if (issued.length > 0) refuseUnlessActive(state, command.data.customerId);
      return issued;
    }
    case 'GrantBirthdayReward':
      return grantBirthdayReward(command, state, rules);
    default: {
      const unknown: never = command;
      throw rejected(ErrorCode.UNKNOWN_COMMAND, `unknown command ${(unknown as { type: unknown }).type}`, { field: 'type' });
    }
  }
};

/**
 * What a new purchase adds: the coupon it redeems (or a 422), the points it earns at the tier held
 * before it, and the upgrade it causes. `after` is the state with the purchase folded in.
 */
export const loyaltyOnPurchase = (
  before: CustomerState, purchase: PurchaseRecorded['data'], after: CustomerState, rules: LoyaltyRules,
): LoyaltyEvent[] => {
  const events: LoyaltyEvent[] = [];
  if (purchase.couponId !== undefined) events.push(redeemCoupon(before.loyalty.coupons, purchase, purchase.couponId, rules));
  const earned = purchasePoints(purchase, before.loyalty.tier.name, rules);
  if (earned && earned.points > 0) {
    events.push(pointsEarned(before.loyalty.ledger, {
      customerId: purchase.customerId, lotId: `order:${purchase.orderId}`, source: 'purchase', orderId: purchase.orderId, points: earned.points,
      earnedAt: purchase.occurredAt, rules: earned.rules, basis: earned.basis,
    }, rules));
  }
  const upgrade = upgradeOnPurchase(after, purchase.orderId, rules);
  if (upgrade) events.push(upgrade);
  return events;
};

/** What a new refund adds: the proportional clawback, and the coupon back when the whole order is refunded. */
export const loyaltyOnRefund = (
  before: CustomerState, refund: PurchaseRefunded['data'], after: CustomerState, rules: LoyaltyRules,
): LoyaltyEvent[] => {
  const order = after.orders.get(refund.orderId)!;
  const clawback = clawBack(before.loyalty.ledger, {
    customerId: refund.customerId, refundId: refund.refundId, orderId: refund.orderId, paidAmount: order.amount,
    refundedAmount: order.refundedAmount, occurredAt: refund.occurredAt,
  }, rules);
  const release = releaseCoupon(before.loyalty.coupons, refund, order.refundedAmount >= order.amount, rules);
  return release ? [...clawback, release] : clawback;
};

export const isPurchaseRecorded = (e: CustomerEvent): e is PurchaseRecorded => e.type === 'PurchaseRecorded';
export const isPurchaseRefunded = (e: CustomerEvent): e is PurchaseRefunded => e.type === 'PurchaseRefunded';

/** Coupons the domain issues itself are named `birthday:<year>` and `referral:<refereeId>`. */
const RESERVED_COUPON_PREFIXES = ['birthday:', 'referral:'];

const refuseUnlessActive = (state: CustomerState, customerId: string): void => {
  if (state.registration === 'none') throw notFound(ErrorCode.CUSTOMER_NOT_FOUND, `customer ${customerId} does not exist`);
  if (state.erasedAt !== undefined) {
    throw rejected(ErrorCode.CUSTOMER_ERASED, `customer ${customerId} was erased on ${state.erasedAt}; no new facts are recorded`);
  }
};
