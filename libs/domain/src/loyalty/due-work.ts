import { canonicalInstant, parseInstant } from '../shared/instant';
import type { CustomerState } from '../customer/customer.state';
import { birthdayDue } from './birthday';
import { addDays, isTimeZone, parseMonthDay } from './calendar';
import { nextExpiryStep } from './lot-expiry';
import type { EvaluateTier, ExpirePoints, GrantBirthdayReward, SettleReferral } from './loyalty.commands';
import type { LoyaltyRules } from './loyalty-rules';
import { requireAsOf } from './points.views';
import { referralDueAt } from './referral';

/**
 * What the clock tick has to do for one customer at `asOf`, decided from the state alone so that
 * the engine can skip customers with nothing due without deciding anything. Running what is due
 * twice changes nothing the second time.
 */
export interface DueWork {
  readonly expiry: boolean;
  readonly expiryWarning: boolean;
  readonly tierReview: boolean;
  readonly referral: boolean;
  readonly birthday: boolean;
}

/** Unsealed by the engine from the personal data; none after erasure. */
export interface BirthdayFacts {
  /** MM-DD. */
  readonly birthday: string;
  readonly timeZone: string;
}

export const dueWork = (state: CustomerState, asOf: string, rules: LoyaltyRules, birthday?: BirthdayFacts): DueWork => {
  const asOfMs = requireAsOf(asOf);
  const active = state.registration !== 'none' && state.erasedAt === undefined;
  const steps = openLotSteps(state);
  const horizon = addDays(asOfMs, rules.expiryWarningDays);
  const referralAt = referralDueAt(state, rules);
  const monthDay = birthday && parseMonthDay(birthday.birthday);
  return {
    expiry: steps.some((s) => s.at <= asOfMs),
    expiryWarning: active && steps.some((s) => s.at > asOfMs && s.at <= horizon && !s.warned),
    tierReview: active && state.loyalty.tier.nextReviewAt !== undefined && parseInstant(state.loyalty.tier.nextReviewAt)! <= asOfMs,
    referral: referralAt !== undefined && referralAt <= asOfMs,
    birthday: active && rules.birthday !== undefined && monthDay !== undefined && isTimeZone(birthday!.timeZone)
      && birthdayDue(state, monthDay, asOfMs, birthday!.timeZone, rules.birthday.graceDays) !== undefined,
  };
};

/**
 * The commands the tick runs for this customer at `asOf`, in this order. SettleReferral goes
 * through `settleReferral` (it needs the referrer's stream too); the others through `decide`.
 */
export const dueCommands = (
  state: CustomerState, asOf: string, rules: LoyaltyRules, birthday?: BirthdayFacts,
): readonly (ExpirePoints | EvaluateTier | GrantBirthdayReward | SettleReferral)[] => {
  const due = dueWork(state, asOf, rules, birthday);
  const customerId = state.customerId!;
  const at = canonicalInstant(requireAsOf(asOf));
  return [
    ...(due.expiry || due.expiryWarning ? [{ type: 'ExpirePoints' as const, data: { customerId, asOf: at } }] : []),
    ...(due.tierReview ? [{ type: 'EvaluateTier' as const, data: { customerId, asOf: at } }] : []),
    ...(due.referral ? [{ type: 'SettleReferral' as const, data: { customerId, asOf: at } }] : []),
    ...(due.birthday ? [{ type: 'GrantBirthdayReward' as const, data: { customerId, asOf: at, ...birthday! } }] : []),
  ];
};

/**
 * The earliest instant at which expiry, an expiry warning, a tier review or the referral becomes due
 * (birthdays aside: the engine knows them). An engine can keep it per customer and tick only those
 * whose instant has come. Undefined: nothing will ever be due without a new event.
 */
export const nextDueAt = (state: CustomerState, rules: LoyaltyRules): string | undefined => {
  const active = state.registration !== 'none' && state.erasedAt === undefined;
  const candidates: number[] = [];
  for (const s of openLotSteps(state)) {
    candidates.push(s.at);
    if (active && !s.warned) candidates.push(addDays(s.at, -rules.expiryWarningDays));
  }
  if (active && state.loyalty.tier.nextReviewAt !== undefined) candidates.push(parseInstant(state.loyalty.tier.nextReviewAt)!);
  const referralAt = referralDueAt(state, rules);
  if (referralAt !== undefined) candidates.push(referralAt);
  return candidates.length === 0 ? undefined : canonicalInstant(Math.min(...candidates));
};

const openLotSteps = (state: CustomerState): { readonly at: number; readonly warned: boolean }[] => {
  const { ledger } = state.loyalty;
  return ledger.openLots.flatMap((lotId) => {
    const lot = ledger.lots.get(lotId)!;
    const step = nextExpiryStep(lot.expiry, parseInstant(lot.earnedAt)!, lot.remaining, parseInstant(lot.lapsedThrough));
    return step ? [{ at: step.at, warned: lot.warned.includes(canonicalInstant(step.at)) }] : [];
  });
};
