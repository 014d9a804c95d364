import { rejected } from '../shared/domain-error';
import { ErrorCode } from '../shared/error-codes';
import { canonicalInstant, parseInstant } from '../shared/instant';
import { PersistentMap } from '../shared/persistent-map';
import type { DecisionContext } from '../shared/message';
import { requireId, requireInstant } from '../shared/validation';
import type { CustomerState } from '../customer/customer.state';
import { StreamMismatchError } from '../customer/stream-mismatch-error';
import { addDays } from './calendar';
import type { SettleReferral } from './loyalty.commands';
import type { CouponIssued, PointsEarned, ReferralDeclined, ReferralRewarded } from './loyalty.events';
import type { LoyaltyRules } from './loyalty-rules';
import { definedOnly } from './points-ledger';
import { grantReward } from './rewards';
import { requireRules } from './rules-missing-error';

/**
 * Referral: a customer registered with a referrer. Once the window after the new customer's
 * first purchase has passed and that purchase is not wholly refunded within it, both are
 * rewarded, exactly once; otherwise the referral is declined with a reason. Settled once either way.
 */
export interface ReferralState {
  /** Of this customer as a referee. */
  readonly outcome?: 'rewarded' | 'declined';
  readonly declinedFor?: string;
  readonly settledAt?: string;
  /** Of this customer as a referrer: the referees it was rewarded for. */
  readonly rewardedFor: PersistentMap<true>;
}

export const initialReferral = (): ReferralState => ({ rewardedFor: PersistentMap.empty() });

export const evolveReferral = (r: ReferralState, event: ReferralRewarded | ReferralDeclined): ReferralState => {
  if (event.type === 'ReferralRewarded' && event.data.role === 'referrer') {
    return r.rewardedFor.has(event.data.refereeId) ? r : { ...r, rewardedFor: r.rewardedFor.set(event.data.refereeId, true) };
  }
  if (r.outcome !== undefined) return r;
  return event.type === 'ReferralRewarded'
    ? { ...r, outcome: 'rewarded', settledAt: event.data.settledAt }
    : { ...r, outcome: 'declined', declinedFor: event.data.reason, settledAt: event.data.settledAt };
};

/** Facts from other streams that the engine looks up for a registration or a settlement. */
export interface ReferrerFacts {
  readonly exists: boolean;
  /** The referrer's own referrer, that one's referrer, and so on (the engine stops at a repeat). */
  readonly referrerChain: readonly string[];
}

/** The refusal a referral gets from the referrer's facts, if any. */
export const referralRefusal = (customerId: string, referrerId: string, facts: ReferrerFacts): string | undefined => {
  if (referrerId === customerId) return ErrorCode.SELF_REFERRAL;
  if (!facts.exists) return ErrorCode.REFERRAL_UNKNOWN_REFERRER;
  if (facts.referrerChain.includes(customerId)) return ErrorCode.REFERRAL_CYCLE;
  return undefined;
};

/** At registration, when the engine supplies the facts: refuse an unknown referrer or a cycle (422). */
export const checkReferrer = (customerId: string, referrerId: string, facts: ReferrerFacts): void => {
  const code = referralRefusal(customerId, referrerId, facts);
  if (code === ErrorCode.REFERRAL_UNKNOWN_REFERRER) {
    throw rejected(code, `referrer ${referrerId} is not a customer`, { field: 'referrerId' });
  }
  if (code === ErrorCode.REFERRAL_CYCLE) {
    throw rejected(code, `${referrerId} was itself referred, directly or not, by ${customerId}`, { field: 'referrerId' });
  }
};

/** When the referral can be settled, if it still has to be. */
export const referralDueAt = (state: CustomerState, rules: LoyaltyRules): number | undefined => {
  if (!rules.referral || state.referrerId === undefined || state.loyalty.referral.outcome !== undefined) return undefined;
  if (state.erasedAt !== undefined || state.firstPurchaseAt === undefined) return undefined;
  return addDays(parseInstant(state.firstPurchaseAt)!, rules.referral.windowDays);
};

export interface ReferralSettlement {
  /** To append to the new customer's stream. */
  readonly referee: readonly (ReferralRewarded | ReferralDeclined | PointsEarned | CouponIssued)[];
  /** To append to the referrer's stream, in the same multi-stream append. */
  readonly referrer: readonly (ReferralRewarded | PointsEarned | CouponIssued)[];
}

/**
 * Decides a referral over both streams. The engine loads the new customer and the referrer
 * (`referrer.state`, the initial state when there is no such stream), looks up the referrer's
 * chain, and appends both halves atomically with their expected revisions. Nothing when nothing is due.
 */
export const settleReferral = (
  { data }: SettleReferral,
  referee: CustomerState,
  referrer: { readonly state: CustomerState; readonly referrerChain: readonly string[] },
  context: DecisionContext,
): ReferralSettlement => {
  const rules = requireRules(context);
  const customerId = requireId(data.customerId, 'customerId');
  const asOfMs = parseInstant(requireInstant(data.asOf, 'asOf'))!;
  if (referee.customerId !== undefined && referee.customerId !== customerId) throw new StreamMismatchError(customerId, referee.customerId);
  const nothing: ReferralSettlement = { referee: [], referrer: [] };
  const dueAt = referralDueAt(referee, rules);
  if (dueAt === undefined || asOfMs < dueAt) return nothing;
  const referrerId = referee.referrerId!;
  if (referrer.state.customerId !== undefined && referrer.state.customerId !== referrerId) {
    throw new StreamMismatchError(referrerId, referrer.state.customerId);
  }
  const settledAt = canonicalInstant(asOfMs);
  const facts: ReferrerFacts = {
    exists: referrer.state.registration !== 'none',
    referrerChain: [...(referrer.state.referrerId === undefined ? [] : [referrer.state.referrerId]), ...referrer.referrerChain],
  };
  const reason = referralRefusal(customerId, referrerId, facts) ?? (firstPurchaseKept(referee, dueAt) ? undefined : ErrorCode.REFERRAL_FIRST_PURCHASE_REFUNDED);
  if (reason !== undefined) {
    return { referee: [{ type: 'ReferralDeclined', data: { customerId, referrerId, reason, settledAt, rulesVersion: rules.version } }], referrer: [] };
  }
  const { referral } = rules;
  const mine = grantReward(referee, referral!.referee, { source: 'referral', id: `referral:${customerId}`, atMs: asOfMs, refereeId: customerId }, rules);
  const rewarded = (role: 'referee' | 'referrer', r: { points?: number; couponId?: string }): ReferralRewarded => ({
    type: 'ReferralRewarded',
    data: definedOnly({
      customerId: role === 'referee' ? customerId : referrerId, role, refereeId: customerId, referrerId, points: r.points, couponId: r.couponId,
      settledAt, rulesVersion: rules.version,
    }),
  });
  // An erased referrer takes no new facts; the new customer is rewarded all the same.
  const theirsDue = referrer.state.erasedAt === undefined && !referrer.state.loyalty.referral.rewardedFor.has(customerId);
  const theirs = theirsDue
    ? grantReward(referrer.state, referral!.referrer, { source: 'referral', id: `referral:${customerId}`, atMs: asOfMs, refereeId: customerId }, rules)
    : undefined;
  return {
    referee: [rewarded('referee', mine), ...mine.events],
    referrer: theirs ? [rewarded('referrer', theirs), ...theirs.events] : [],
  };
};

/** The first purchase, net of its refunds made within the window, is still worth something. */
const firstPurchaseKept = (state: CustomerState, windowEndMs: number): boolean => {
  const windowEnd = canonicalInstant(windowEndMs);
  const first = [...state.orders.values()].find((o) => o.occurredAt === state.firstPurchaseAt)!;
  let refunded = 0;
  for (const refund of state.refunds.values()) if (refund.orderId === first.orderId && refund.occurredAt < windowEnd) refunded += refund.amount;
  return first.amount - refunded > 0;
};
