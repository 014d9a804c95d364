import { canonicalInstant, parseInstant } from '../shared/instant';
import { addMonths, localDateOf, parseMonthDay, startOfLocalDay } from './calendar';
import type { LoyaltyRules } from './loyalty-rules';

/**
 * The expiry policy a lot was earned under, recorded in the event that created it, so that later
 * rules never change when earned points expire. The policies are plain data with one function
 * each below; a new policy is a new kind here and in `ExpiryPolicy`.
 */
export type LotExpiry =
  | { readonly kind: 'at'; readonly expiresAt: string }
  | {
      readonly kind: 'annual-lapse';
      /** MM-DD in `timeZone`. */
      readonly on: string;
      readonly percent: number;
      readonly minAgeMonths: number;
      readonly timeZone: string;
    };

export const lotExpiryFor = (rules: LoyaltyRules, earnedAtMs: number): LotExpiry => {
  const policy = rules.expiry;
  switch (policy.kind) {
    case 'months-after-earning':
      return { kind: 'at', expiresAt: canonicalInstant(addMonths(earnedAtMs, policy.months)) };
    case 'annual-lapse':
      return { kind: 'annual-lapse', on: policy.on, percent: policy.percent, minAgeMonths: policy.minAgeMonths, timeZone: rules.timeZone };
    default: {
      const unknown: never = policy;
      throw new Error(`unknown expiry policy ${(unknown as { kind: string }).kind}`);
    }
  }
};

/** The next time points leave a lot by expiry, and how many. */
export interface ExpiryStep {
  readonly at: number;
  readonly points: number;
}

/**
 * The lot's next expiry, given what it still holds and the last lapse already applied. A lot is
 * valid until its expiry instant, exclusive: at that very instant its points are gone.
 */
export const nextExpiryStep = (
  expiry: LotExpiry, earnedAtMs: number, remaining: number, lapsedThroughMs: number | undefined,
): ExpiryStep | undefined => {
  if (remaining <= 0) return undefined;
  if (expiry.kind === 'at') return { at: parseInstant(expiry.expiresAt)!, points: remaining };
  // Rounded up so that every lot runs out in the end instead of keeping a point that never lapses.
  return { at: nextLapse(expiry, earnedAtMs, lapsedThroughMs), points: Math.ceil((remaining * expiry.percent) / 100) };
};

const nextLapse = (expiry: Extract<LotExpiry, { kind: 'annual-lapse' }>, earnedAtMs: number, lapsedThroughMs: number | undefined): number => {
  const oldEnough = addMonths(earnedAtMs, expiry.minAgeMonths);
  const { month, day } = parseMonthDay(expiry.on)!;
  const from = Math.max(oldEnough, lapsedThroughMs === undefined ? -Infinity : lapsedThroughMs + 1);
  for (let year = localDateOf(from, expiry.timeZone).year - 1; ; year++) {
    const at = startOfLocalDay({ year, month, day }, expiry.timeZone);
    if (at >= from) return at;
  }
};
