import { ErrorCode } from '../shared/error-codes';
import { customerDecider, decide } from '../customer/customer.decide';
import { initialState } from '../customer/customer.state';
import { cmd, evt, NOW } from '../testing/customer-fixtures';
import { DeciderSpec } from '../testing/decider-spec';
import { lcmd, levt, LOYAL, RULES, withRules } from '../testing/loyalty-fixtures';
import type { BonusRule } from './loyalty-rules';
import type { PointsEarned } from './loyalty.events';
import { LoyaltyRulesMissingError } from './rules-missing-error';

const spec = DeciderSpec.for(customerDecider, LOYAL);
const registered = spec.given([evt.registered()]);
/** o-1: 50 points earned 2024-02-01, o-2: 30 points earned 2024-03-01. */
const twoLots = [
  evt.registered(),
  evt.purchased(), levt.earned(),
  evt.purchased({ orderId: 'o-2', amount: 3000, occurredAt: '2024-03-01T10:00:00.000Z' }),
  levt.earned({ orderId: 'o-2', points: 30, earnedAt: '2024-03-01T10:00:00.000Z', expiry: { kind: 'at', expiresAt: '2025-03-01T10:00:00.000Z' } }),
];
const earnedOf = (events: readonly { type: string }[]) => events.find((e): e is PointsEarned => e.type === 'PointsEarned');

describe('when a purchase is recorded under the loyalty rules', () => {
  it('earns the base rate per currency unit paid, as a lot expiring 12 months later, naming the rules', () => {
    registered.when(cmd.purchase()).then([evt.purchased(), levt.earned()]);
  });

  it('registers an unknown customer implicitly and earns all the same', () => {
    spec.given([]).when(cmd.purchase()).then([evt.registeredImplicitly(), evt.purchased(), levt.earned()]);
  });

  it('floors once per order: 50.99 euros earn 50 points', () => {
    expect(earnedOf(registered.when(cmd.purchase({ amount: 5099 })).events())?.data.points).toBe(50);
  });

  it('earns nothing, and says nothing, for a zero-value order or a currency the rules do not list', () => {
    registered.when(cmd.purchase({ amount: 0 })).then([evt.purchased({ amount: 0 })]);
    registered.when(cmd.purchase({ amount: 99 })).then([evt.purchased({ amount: 99 })]);
    registered.when(cmd.purchase({ currency: 'USD' })).then([evt.purchased({ currency: 'USD' })]);
  });

  it('uses the currency own minor units: 12,345 yen at 0.01 point per yen earn 123 points', () => {
    expect(earnedOf(registered.when(cmd.purchase({ amount: 12_345, currency: 'JPY' })).events())?.data.points).toBe(123);
  });

  it('multiplies by the tier held when buying', () => {
    const silver = spec.given([evt.registered(), levt.tierChanged({ trigger: 'order:o-0', changedAt: '2024-01-15T10:00:00.000Z' })]);
    const earned = earnedOf(silver.when(cmd.purchase()).events())!;
    expect(earned.data).toMatchObject({ points: 62, rules: ['base', 'tier:silver'], basis: { tier: 'silver', tierMultiplier: 1.25 } });
  });

  it('pays off a negative balance first, and the lot holds the rest', () => {
    const inDebt = spec.given([...twoLots, levt.clawedBack({ lots: [], points: 20, toDebt: 20, refundId: 'r-9', orderId: 'o-9' })]);
    const earned = earnedOf(inDebt.when(cmd.purchase({ orderId: 'o-3' })).events())!;
    expect(earned.data).toMatchObject({ points: 50, debtRepaid: 20 });
  });

  it('answers a repeated order with nothing, points included', () => {
    spec.given([evt.registered(), evt.purchased(), levt.earned()]).when(cmd.purchase()).thenNothingHappens();
  });

  it('earns nothing and changes no tier without rules (the customer decider alone)', () => {
    DeciderSpec.for(customerDecider, { now: NOW }).given([evt.registered()]).when(cmd.purchase({ amount: 900_000 })).then([evt.purchased({ amount: 900_000 })]);
  });
});

describe('when bonus rules are configured', () => {
  const doubleDays: BonusRule = { id: 'double-days', multiplier: 2, from: '2024-02-01T00:00:00Z', to: '2024-02-03T00:00:00Z' };
  const memberDay: BonusRule = { id: 'member-day', multiplier: 1.5, daysOfMonth: [8] };
  const storeCard: BonusRule = { id: 'store-card', multiplier: 1.5, paymentMethods: ['store-card'] };
  const books: BonusRule = { id: 'books-x3', multiplier: 3, categories: ['books'] };
  const bonusSpec = DeciderSpec.for(customerDecider, withRules({ bonuses: [doubleDays, memberDay, storeCard, books] })).given([evt.registered()]);
  const pointsFor = (over: Parameters<typeof cmd.purchase>[0]) => earnedOf(bonusSpec.when(cmd.purchase(over)).events())!.data;

  it('doubles points inside a date range, from its first instant, and not at its end', () => {
    expect(pointsFor({ occurredAt: '2024-02-01T00:00:00Z' })).toMatchObject({ points: 100, rules: ['base', 'tier:standard', 'bonus:double-days'] });
    expect(pointsFor({ occurredAt: '2024-02-03T00:00:00Z' }).points).toBe(50);
  });

  it('recognises the member day in the business time zone, not in UTC', () => {
    expect(pointsFor({ occurredAt: '2024-02-07T23:30:00Z' })).toMatchObject({ points: 75, rules: ['base', 'tier:standard', 'bonus:member-day'] });
    expect(pointsFor({ occurredAt: '2024-02-08T23:30:00Z' }).points).toBe(50);
  });

  it('multiplies by payment method, and stacks bonuses by multiplying them', () => {
    expect(pointsFor({ occurredAt: '2024-02-10T10:00:00Z', paymentMethod: 'store-card' }).points).toBe(75);
    const both = pointsFor({ occurredAt: '2024-02-02T10:00:00Z', paymentMethod: 'store-card' });
    expect(both).toMatchObject({ points: 150, rules: ['base', 'tier:standard', 'bonus:double-days', 'bonus:store-card'] });
    expect(both.basis!.bonuses).toEqual([
      { ruleId: 'double-days', multiplier: 2, scope: 'order' },
      { ruleId: 'store-card', multiplier: 1.5, scope: 'order' },
    ]);
  });

  it('multiplies a category bonus on the share of the paid amount that falls to those items', () => {
    // 90 euros paid for a basket of 60 (books) + 40 (toys): books take 54 of it, x3 = 162, toys 36.
    const items = [{ sku: 'B1', category: 'books', quantity: 1, amount: 6000 }, { sku: 'T1', category: 'toys', quantity: 1, amount: 4000 }];
    const earned = pointsFor({ amount: 9000, occurredAt: '2024-02-10T10:00:00Z', items });
    expect(earned).toMatchObject({ points: 198, rules: ['base', 'tier:standard', 'bonus:books-x3'] });
    expect(earned.basis!.bonuses).toEqual([{ ruleId: 'books-x3', multiplier: 3, scope: 'items' }]);
  });

  it('applies no category bonus to an order without matching items', () => {
    expect(pointsFor({ occurredAt: '2024-02-10T10:00:00Z', items: [{ sku: 'T1', category: 'toys', quantity: 1, amount: 5000 }] }))
      .toMatchObject({ points: 50, rules: ['base', 'tier:standard'] });
    expect(pointsFor({ occurredAt: '2024-02-10T10:00:00Z' }).points).toBe(50);
  });
});

describe('when points are redeemed', () => {
  const withLots = spec.given(twoLots);

  it('spends the oldest lots first', () => {
    withLots.when(lcmd.redeem({ points: 60 })).then([
      levt.redeemed({ points: 60, lots: [{ lotId: 'order:o-1', points: 50 }, { lotId: 'order:o-2', points: 10 }] }),
    ]);
  });

  it('means oldest by the time earned, not the order recorded', () => {
    const lateOld = spec.given([
      evt.registered(),
      levt.earned({ orderId: 'o-2', points: 30, earnedAt: '2024-03-01T10:00:00.000Z', expiry: { kind: 'at', expiresAt: '2025-03-01T10:00:00.000Z' } }),
      levt.earned(),
    ]);
    lateOld.when(lcmd.redeem({ points: 40 })).then([
      levt.redeemed({ points: 40, lots: [{ lotId: 'order:o-1', points: 40 }] }),
    ]);
  });

  it('takes the whole balance, to the point', () => {
    withLots.when(lcmd.redeem({ points: 80 })).then([
      levt.redeemed({ points: 80, lots: [{ lotId: 'order:o-1', points: 50 }, { lotId: 'order:o-2', points: 30 }] }),
    ]);
  });

  it('refuses one point beyond the balance (422), saying what the balance is', () => {
    const error = withLots.when(lcmd.redeem({ points: 81 })).thenThrows(ErrorCode.INSUFFICIENT_POINTS, 'rejected');
    expect(error.details).toMatchObject({ balance: 80, requested: 81 });
  });

  it('treats a lot expiring at the very instant of the redemption as expired, and records that first', () => {
    const atExpiry = '2025-02-01T10:00:00.000Z';
    withLots.when(lcmd.redeem({ points: 30, occurredAt: atExpiry })).then([
      levt.expired(),
      levt.redeemed({ points: 30, occurredAt: atExpiry, lots: [{ lotId: 'order:o-2', points: 30 }] }),
    ]);
    withLots.when(lcmd.redeem({ points: 31, occurredAt: atExpiry })).thenThrows(ErrorCode.INSUFFICIENT_POINTS);
  });

  it('still spends a lot one millisecond before it expires', () => {
    withLots.when(lcmd.redeem({ points: 50, occurredAt: '2025-02-01T09:59:59.999Z' })).then([
      levt.redeemed({ points: 50, occurredAt: '2025-02-01T09:59:59.999Z', lots: [{ lotId: 'order:o-1', points: 50 }] }),
    ]);
  });

  it('is idempotent by redemption id: the same one again decides nothing, other facts are a conflict', () => {
    const redeemed = spec.given([...twoLots, levt.redeemed()]);
    redeemed.when(lcmd.redeem()).thenNothingHappens();
    redeemed.when(lcmd.redeem({ points: 31 })).thenThrows(ErrorCode.REDEMPTION_CONFLICT, 'conflict');
    redeemed.when(lcmd.redeem({ rewardId: 'mug' })).thenThrows(ErrorCode.REDEMPTION_CONFLICT, 'conflict');
  });

  it('answers a repeat after erasure as the first time, and refuses a new one', () => {
    const erased = spec.given([...twoLots, levt.redeemed(), evt.erased()]);
    erased.when(lcmd.redeem()).thenNothingHappens();
    erased.when(lcmd.redeem({ redemptionId: 'rd-2' })).thenThrows(ErrorCode.CUSTOMER_ERASED, 'rejected');
  });

  it.each([0, -5, 1.5, '30'])('refuses %p points', (points) => {
    withLots.when(lcmd.redeem({ points: points as number })).thenThrows(ErrorCode.INVALID_POINTS, 'rejected');
  });

  it('does not know a customer who never registered or bought', () => {
    spec.given([]).when(lcmd.redeem()).thenThrows(ErrorCode.CUSTOMER_NOT_FOUND, 'not-found');
  });

  it('needs the rules: without them it is an engine bug, not a refusal', () => {
    expect(() => decide(lcmd.redeem(), initialState(), { now: NOW })).toThrow(LoyaltyRulesMissingError);
  });
});

describe('when the clock ticks for points (ExpirePoints)', () => {
  const withLots = spec.given(twoLots);

  it('decides nothing when nothing is due', () => {
    withLots.when(lcmd.expire('2024-06-01T00:00:00Z')).thenNothingHappens();
  });

  it('expires each due lot at its own expiry instant, whenever the tick comes', () => {
    withLots.when(lcmd.expire('2025-03-15T00:00:00Z')).then([
      levt.expired(),
      levt.expired({ lotId: 'order:o-2', points: 30, expiredAt: '2025-03-01T10:00:00.000Z' }),
    ]);
  });

  it('expires what a partly spent lot still holds, and nothing twice', () => {
    const spent = spec.given([...twoLots, levt.redeemed({ points: 20, lots: [{ lotId: 'order:o-1', points: 20 }] })]);
    spent.when(lcmd.expire('2025-02-01T10:00:00Z')).then([
      levt.expired({ points: 30 }),
      levt.warned({ lotId: 'order:o-2', points: 30, expiresAt: '2025-03-01T10:00:00.000Z', warnedAt: '2025-02-01T10:00:00.000Z' }),
    ]);
    const o2Warned = levt.warned({ lotId: 'order:o-2', points: 30, expiresAt: '2025-03-01T10:00:00.000Z' });
    spec.given([...twoLots, levt.expired(), o2Warned]).when(lcmd.expire('2025-02-01T10:00:00Z')).thenNothingHappens();
  });

  it('warns once per lot about points expiring within the next 30 days, the 30th day included', () => {
    const asOf = '2025-01-02T10:00:00.000Z'; // o-1 expires exactly 30 days later
    withLots.when(lcmd.expire(asOf)).then([levt.warned({ warnedAt: asOf })]);
    withLots.when(lcmd.expire('2025-01-02T09:59:59.999Z')).thenNothingHappens();
    spec.given([...twoLots, levt.warned()]).when(lcmd.expire('2025-01-20T00:00:00Z')).thenNothingHappens();
  });

  it('warns about the lot that is left after expiring the due one', () => {
    withLots.when(lcmd.expire('2025-02-10T00:00:00Z')).then([
      levt.expired(),
      levt.warned({ lotId: 'order:o-2', points: 30, expiresAt: '2025-03-01T10:00:00.000Z', warnedAt: '2025-02-10T00:00:00.000Z' }),
    ]);
  });

  it('still expires the points of an erased customer (the liability must fall), with no warning to nobody', () => {
    spec.given([...twoLots, evt.erased()]).when(lcmd.expire('2025-02-10T00:00:00Z')).then([levt.expired()]);
  });
});

describe('when a share of unused points lapses each year (annual-lapse policy)', () => {
  const lapse = withRules({ expiry: { kind: 'annual-lapse', on: '01-01', percent: 50, minAgeMonths: 6 } });
  const lapseSpec = DeciderSpec.for(customerDecider, lapse);
  const lapsing = (over: Partial<PointsEarned['data']> = {}) =>
    levt.earned({ expiry: { kind: 'annual-lapse', on: '01-01', percent: 50, minAgeMonths: 6, timeZone: 'Europe/Paris' }, ...over });

  it('records the policy on the lot when earned', () => {
    const earned = earnedOf(lapseSpec.given([evt.registered()]).when(cmd.purchase()).events())!;
    expect(earned.data.expiry).toEqual({ kind: 'annual-lapse', on: '01-01', percent: 50, minAgeMonths: 6, timeZone: 'Europe/Paris' });
  });

  it('lapses half of what each old enough lot holds on New Year in the business time zone, rounded up, year after year', () => {
    lapseSpec.given([evt.registered(), lapsing()]).when(lcmd.expire('2026-06-01T00:00:00Z')).then([
      levt.expired({ points: 25, expiredAt: '2024-12-31T23:00:00.000Z', policy: 'annual-lapse' }),
      levt.expired({ points: 13, expiredAt: '2025-12-31T23:00:00.000Z', policy: 'annual-lapse' }),
    ]);
  });

  it('spares a lot younger than the minimum age on the lapse day', () => {
    const young = lapsing({ orderId: 'o-2', earnedAt: '2024-09-01T10:00:00.000Z' });
    lapseSpec.given([evt.registered(), young]).when(lcmd.expire('2025-06-01T00:00:00Z')).thenNothingHappens();
  });
});

describe('when a purchase that earned points is refunded', () => {
  const earnedOnce = [evt.registered(), evt.purchased(), levt.earned()];

  it('claws back points in proportion to the amount refunded, from the order own lot', () => {
    spec.given(earnedOnce).when(cmd.refund()).then([evt.refunded(), levt.clawedBack()]);
  });

  it('follows the cumulative share, floored, so that the refunds of a whole order take back all its points', () => {
    const tenPoints = [
      evt.registered(), evt.purchased({ amount: 1000 }), levt.earned({ points: 10 }),
    ];
    const refund = (n: number, amount: number) => ({ refundId: `r-${n}`, amount, occurredAt: `2024-02-0${n + 1}T10:00:00Z` });
    const first = spec.given(tenPoints).when(cmd.refund(refund(1, 150))).events();
    const second = spec.given([...tenPoints, ...first]).when(cmd.refund(refund(2, 150))).events();
    const third = spec.given([...tenPoints, ...first, ...second]).when(cmd.refund(refund(3, 700))).events();
    const clawed = [first, second, third].map((events) => events.find((e) => e.type === 'PointsClawedBack')!.data as { points: number });
    expect(clawed.map((c) => c.points)).toEqual([1, 2, 7]);
  });

  it('takes points already spent from the other lots, oldest first', () => {
    const spent = spec.given([...twoLots, levt.redeemed({ points: 50, lots: [{ lotId: 'order:o-1', points: 50 }] })]);
    spent.when(cmd.refund({ amount: 5000 })).then([
      evt.refunded({ amount: 5000 }),
      levt.clawedBack({ points: 50, lots: [{ lotId: 'order:o-2', points: 30 }], toDebt: 20, refundedAmount: 5000 }),
    ]);
  });

  it('turns a refund larger than the points left into a negative balance that the next purchase pays off', () => {
    const spentAll = [...twoLots, levt.redeemed({ points: 80, lots: [{ lotId: 'order:o-1', points: 50 }, { lotId: 'order:o-2', points: 30 }] })];
    const refund = spec.given(spentAll).when(cmd.refund({ amount: 5000 })).events();
    expect(refund[1]).toEqual(levt.clawedBack({ points: 50, lots: [], toDebt: 50, refundedAmount: 5000 }));
    const next = spec.given([...spentAll, ...refund]).when(cmd.purchase({ orderId: 'o-3', amount: 8000, occurredAt: '2024-03-10T10:00:00Z' })).events();
    expect(earnedOf(next)!.data).toMatchObject({ points: 80, debtRepaid: 50 });
    const after = [...spentAll, ...refund, ...next].reduce(customerDecider.evolve, initialState());
    expect(after.loyalty.ledger).toMatchObject({ balance: 30, debt: 0 });
  });

  it('does not claw back points that already expired: the customer never had their use', () => {
    const expired = spec.given([...earnedOnce, levt.expired()]);
    expired.when(cmd.refund({ amount: 5000, occurredAt: '2025-03-01T00:00:00Z' })).then([
      evt.refunded({ amount: 5000, occurredAt: '2025-03-01T00:00:00.000Z' }),
    ]);
  });

  it('claws nothing back for an order that earned nothing', () => {
    spec.given([evt.registered(), evt.purchased({ amount: 99 })]).when(cmd.refund({ amount: 99 })).then([evt.refunded({ amount: 99 })]);
  });
});

describe('when customer service adjusts points', () => {
  it('credits a lot of its own, expiring like earned points, with the reason and who did it', () => {
    registered.when(lcmd.adjust({ note: 'late parcel' })).then([levt.adjusted({ note: 'late parcel' })]);
  });

  it('debits the oldest lots, and never below zero', () => {
    spec.given(twoLots).when(lcmd.adjust({ points: -60, reason: 'correction' })).then([
      levt.adjusted({
        points: -60, reason: 'correction', lotId: undefined, expiry: undefined,
        lots: [{ lotId: 'order:o-1', points: 50 }, { lotId: 'order:o-2', points: 10 }],
      }),
    ].map((e) => ({ ...e, data: JSON.parse(JSON.stringify(e.data)) })));
    spec.given(twoLots).when(lcmd.adjust({ points: -81 })).thenThrows(ErrorCode.ADJUSTMENT_EXCEEDS_BALANCE, 'rejected');
  });

  it('pays off a negative balance with a credit first', () => {
    const inDebt = spec.given([evt.registered(), levt.clawedBack({ lots: [], points: 20, toDebt: 20 })]);
    inDebt.when(lcmd.adjust()).then([levt.adjusted({ debtRepaid: 20 })]);
  });

  it('is idempotent by adjustment id', () => {
    const adjusted = spec.given([evt.registered(), levt.adjusted()]);
    adjusted.when(lcmd.adjust()).thenNothingHappens();
    adjusted.when(lcmd.adjust({ actor: 'agent-8' })).thenNothingHappens();
    adjusted.when(lcmd.adjust({ points: 50 })).thenThrows(ErrorCode.ADJUSTMENT_CONFLICT, 'conflict');
  });

  it.each<[string, Parameters<typeof lcmd.adjust>[0], string]>([
    ['zero points', { points: 0 }, ErrorCode.INVALID_POINTS],
    ['a reason code nobody knows', { reason: 'because' as never }, ErrorCode.UNKNOWN_ADJUSTMENT_REASON],
    ['no actor', { actor: '' }, ErrorCode.INVALID_FIELD],
    ['an id with a space', { adjustmentId: 'adj 1' }, ErrorCode.INVALID_ID],
  ])('refuses %s', (_, over, code) => {
    registered.when(lcmd.adjust(over)).thenThrows(code, 'rejected');
  });
});

test('the spec rules are what the fixtures assume', () => {
  expect(RULES.expiry).toEqual({ kind: 'months-after-earning', months: 12 });
});
