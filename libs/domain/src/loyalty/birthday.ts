import { rejected } from '../shared/domain-error';
import { ErrorCode } from '../shared/error-codes';
import { canonicalInstant, parseInstant } from '../shared/instant';
import { requireInstant } from '../shared/validation';
import type { CustomerState } from '../customer/customer.state';
import { daysBetween, formatLocalDate, isLeapYear, isTimeZone, type LocalDate, localDateOf, parseMonthDay } from './calendar';
import type { GrantBirthdayReward } from './loyalty.commands';
import type { BirthdayRewarded, CouponIssued, PointsEarned } from './loyalty.events';
import type { LoyaltyRules } from './loyalty-rules';
import { definedOnly } from './points-ledger';
import { grantReward } from './rewards';

/**
 * Birthday care: once a year, on the birthday in the customer's time zone, the configured points
 * and/or coupon. A Feb 29 birthday is celebrated on Feb 28 in common years (it stays in February,
 * and comes before the day rather than after it). Missed ticks may still reward up to `graceDays`
 * late; the reward belongs to the year of the birthday, never given twice for one year.
 */
export const celebrationDay = (birthday: { readonly month: number; readonly day: number }, year: number): LocalDate =>
  birthday.month === 2 && birthday.day === 29 && !isLeapYear(year) ? { year, month: 2, day: 28 } : { year, month: birthday.month, day: birthday.day };

/** The birthday being celebrated at `asOfMs`, if any and not yet rewarded. */
export const birthdayDue = (
  state: CustomerState, birthday: { readonly month: number; readonly day: number }, asOfMs: number, timeZone: string, graceDays: number,
): LocalDate | undefined => {
  const today = localDateOf(asOfMs, timeZone);
  for (const year of [today.year, today.year - 1]) {
    const day = celebrationDay(birthday, year);
    const late = daysBetween(day, today);
    if (late >= 0 && late <= graceDays) return state.loyalty.birthdayYears.includes(year) ? undefined : day;
  }
  return undefined;
};

export const grantBirthdayReward = (
  { data }: GrantBirthdayReward, state: CustomerState, rules: LoyaltyRules,
): (BirthdayRewarded | PointsEarned | CouponIssued)[] => {
  const asOfMs = parseInstant(requireInstant(data.asOf, 'asOf'))!;
  const birthday = parseMonthDay(data.birthday);
  if (!birthday) throw rejected(ErrorCode.INVALID_FIELD, 'birthday must be MM-DD, a day of the year (02-29 allowed)', { field: 'birthday' });
  if (!isTimeZone(data.timeZone)) throw rejected(ErrorCode.INVALID_FIELD, 'timeZone must be an IANA time zone such as Europe/Paris', { field: 'timeZone' });
  // Time-driven: a customer unknown or erased has nothing due, rather than failing the tick.
  if (!rules.birthday || state.registration === 'none' || state.erasedAt !== undefined) return [];
  const day = birthdayDue(state, birthday, asOfMs, data.timeZone, rules.birthday.graceDays);
  if (!day) return [];
  const granted = grantReward(state, rules.birthday.reward, { source: 'birthday', id: `birthday:${day.year}`, atMs: asOfMs, birthdayYear: day.year }, rules);
  return [
    {
      type: 'BirthdayRewarded',
      data: definedOnly({
        customerId: data.customerId, year: day.year, celebratedOn: formatLocalDate(day), timeZone: data.timeZone, points: granted.points,
        couponId: granted.couponId, rewardedAt: canonicalInstant(asOfMs), rulesVersion: rules.version,
      }),
    },
    ...granted.events,
  ];
};
