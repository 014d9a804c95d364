import { canonicalInstant } from '../shared/instant';
import type { CustomerState } from '../customer/customer.state';
import { couponFromTemplate } from './coupons';
import type { CouponIssued, PointsEarned } from './loyalty.events';
import type { LoyaltyRules, Reward } from './loyalty-rules';
import { pointsEarned } from './points.decide';

export interface Grant {
  readonly source: 'referral' | 'birthday';
  /** Names both the lot and the coupon: `referral:<refereeId>`, `birthday:<year>`. */
  readonly id: string;
  readonly atMs: number;
  readonly refereeId?: string;
  readonly birthdayYear?: number;
}

/** The points and/or coupon a reward gives, as events on the rewarded customer's stream. */
export const grantReward = (
  state: CustomerState, reward: Reward, g: Grant, rules: LoyaltyRules,
): { readonly events: (PointsEarned | CouponIssued)[]; readonly points?: number; readonly couponId?: string } => {
  const customerId = state.customerId!;
  const events: (PointsEarned | CouponIssued)[] = [];
  const points = reward.points !== undefined && reward.points > 0 ? reward.points : undefined;
  if (points !== undefined) {
    events.push(pointsEarned(state.loyalty.ledger, {
      customerId, lotId: g.id, source: g.source, points, earnedAt: canonicalInstant(g.atMs), rules: [g.source],
      refereeId: g.refereeId, birthdayYear: g.birthdayYear,
    }, rules));
  }
  const currency = state.currency ?? rules.defaultCurrency;
  // An amount-off template that does not price the customer's currency gives no coupon: one in
  // another currency could never be redeemed.
  const coupon = reward.coupon?.kind === 'amount-off' && reward.coupon.amountOff[currency] === undefined ? undefined : reward.coupon;
  if (coupon) events.push(couponFromTemplate(coupon, { customerId, couponId: g.id, reason: g.source, currency, issuedAtMs: g.atMs }, rules));
  return { events, points, couponId: coupon ? g.id : undefined };
};
