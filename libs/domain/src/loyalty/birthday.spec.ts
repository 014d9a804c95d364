import { ErrorCode } from '../shared/error-codes';
import { customerDecider } from '../customer/customer.decide';
import type { CustomerStreamEvent } from '../customer/customer.events';
import { CUSTOMER, evt } from '../testing/customer-fixtures';
import { DeciderSpec } from '../testing/decider-spec';
import { LOYAL, withRules } from '../testing/loyalty-fixtures';
import type { GrantBirthdayReward } from './loyalty.commands';

const spec = DeciderSpec.for(customerDecider, LOYAL);
const registered = spec.given([evt.registered()]);
const birthday = (asOf: string, over: Partial<GrantBirthdayReward['data']> = {}): GrantBirthdayReward => ({
  type: 'GrantBirthdayReward', data: { customerId: CUSTOMER, asOf, birthday: '03-15', timeZone: 'Asia/Tokyo', ...over },
});
const yearOf = (events: readonly CustomerStreamEvent[]) => events.find((e) => e.type === 'BirthdayRewarded')?.data as { year: number; celebratedOn: string } | undefined;

describe('when the clock ticks on a birthday (GrantBirthdayReward)', () => {
  it('rewards on the birthday in the customer time zone, with the configured points and coupon', () => {
    const asOf = '2024-03-14T23:30:00.000Z'; // 08:30 on March 15 in Tokyo
    registered.when(birthday(asOf)).then([
      {
        type: 'BirthdayRewarded',
        data: {
          customerId: CUSTOMER, year: 2024, celebratedOn: '2024-03-15', timeZone: 'Asia/Tokyo', points: 200, couponId: 'birthday:2024',
          rewardedAt: asOf, rulesVersion: 'rules-1',
        },
      },
      {
        type: 'PointsEarned',
        data: {
          customerId: CUSTOMER, lotId: 'birthday:2024', source: 'birthday', birthdayYear: 2024, points: 200, debtRepaid: 0, earnedAt: asOf,
          expiry: { kind: 'at', expiresAt: '2025-03-14T23:30:00.000Z' }, rules: ['birthday'], rulesVersion: 'rules-1',
        },
      },
      {
        type: 'CouponIssued',
        data: {
          customerId: CUSTOMER, couponId: 'birthday:2024', offer: { kind: 'percent-off', percentOff: 10 }, validFrom: asOf,
          validTo: '2024-04-13T23:30:00.000Z', reason: 'birthday', issuedAt: asOf, rulesVersion: 'rules-1',
        },
      },
    ]);
  });

  it('does nothing when it is not yet the birthday where the customer lives', () => {
    registered.when(birthday('2024-03-14T23:30:00Z', { timeZone: 'Europe/London' })).thenNothingHappens();
  });

  it('rewards once a year', () => {
    const rewarded = registered.when(birthday('2024-03-15T01:00:00Z')).events();
    spec.given([evt.registered(), ...rewarded]).when(birthday('2024-03-15T10:00:00Z')).thenNothingHappens();
    expect(yearOf(spec.given([evt.registered(), ...rewarded]).when(birthday('2025-03-15T01:00:00Z')).events())?.year).toBe(2025);
  });

  it('celebrates a Feb 29 birthday on Feb 28 in common years, and on Feb 29 in leap years', () => {
    const leapling = (asOf: string) => registered.when(birthday(asOf, { birthday: '02-29', timeZone: 'UTC' }));
    expect(yearOf(leapling('2025-02-28T12:00:00Z').events())).toMatchObject({ year: 2025, celebratedOn: '2025-02-28' });
    leapling('2025-03-01T12:00:00Z').thenNothingHappens();
    expect(yearOf(leapling('2024-02-29T12:00:00Z').events())).toMatchObject({ year: 2024, celebratedOn: '2024-02-29' });
    leapling('2024-02-28T12:00:00Z').thenNothingHappens();
  });

  it('rewards a birthday missed by the ticks within the grace days, for the year of the birthday', () => {
    const grace = DeciderSpec.for(customerDecider, withRules({ birthday: { ...LOYAL.rules!.birthday!, graceDays: 2 } })).given([evt.registered()]);
    expect(yearOf(grace.when(birthday('2025-01-02T12:00:00Z', { birthday: '12-31', timeZone: 'UTC' })).events())).toMatchObject({ year: 2024 });
    grace.when(birthday('2025-01-03T12:00:00Z', { birthday: '12-31', timeZone: 'UTC' })).thenNothingHappens();
  });

  it('has nothing for an unknown or erased customer, nor without birthday rules', () => {
    spec.given([]).when(birthday('2024-03-15T01:00:00Z')).thenNothingHappens();
    spec.given([evt.registered(), evt.erased()]).when(birthday('2024-03-15T01:00:00Z')).thenNothingHappens();
    DeciderSpec.for(customerDecider, withRules({ birthday: undefined })).given([evt.registered()]).when(birthday('2024-03-15T01:00:00Z')).thenNothingHappens();
  });

  it.each([
    ['a day that is in no year', { birthday: '02-30' }, 'birthday'],
    ['a date with the year', { birthday: '1990-03-15' }, 'birthday'],
    ['a time zone nobody knows', { timeZone: 'Mars/Olympus' }, 'timeZone'],
  ])('refuses %s', (_, over, field) => {
    const error = registered.when(birthday('2024-03-15T01:00:00Z', over)).thenThrows(ErrorCode.INVALID_FIELD, 'rejected');
    expect(error.details).toEqual({ field });
  });
});
