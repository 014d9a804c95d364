import { ErrorCode } from '../shared/error-codes';
import { customerDecider } from '../customer/customer.decide';
import type { CustomerRegistered, CustomerStreamEvent } from '../customer/customer.events';
import { initialState } from '../customer/customer.state';
import { StreamMismatchError } from '../customer/stream-mismatch-error';
import { cmd, CUSTOMER, evt, NOW } from '../testing/customer-fixtures';
import { DeciderSpec } from '../testing/decider-spec';
import { LOYAL, RULES, withRules } from '../testing/loyalty-fixtures';
import type { DecisionContext } from '../shared/message';
import { settleReferral } from './referral';
import { LoyaltyRulesMissingError } from './rules-missing-error';

const fold = (events: readonly CustomerStreamEvent[]) => events.reduce(customerDecider.evolve, initialState());
const bobRegistered = (over: Partial<CustomerRegistered['data']> = {}): CustomerRegistered => ({
  type: 'CustomerRegistered',
  data: { customerId: 'c-bob', registeredAt: '2023-06-01T09:00:00.000Z', channel: 'web', implicit: false, ...over },
});
/** Ada, referred by Bob, bought for 50 euros on 2024-02-01: the 30-day window ends 2024-03-02T10:00Z. */
const ada = [evt.registered(), evt.purchased()];
const bob = [bobRegistered()];
const DUE = '2024-03-02T10:00:00.000Z';

const settle = (
  referee: readonly CustomerStreamEvent[], referrer: readonly CustomerStreamEvent[] = bob,
  { asOf = DUE, chain = [] as string[], context = LOYAL as DecisionContext } = {},
) => settleReferral({ type: 'SettleReferral', data: { customerId: CUSTOMER, asOf } }, fold(referee), { state: fold(referrer), referrerChain: chain }, context);

describe('when a referred customer registers', () => {
  const spec = DeciderSpec.for(customerDecider, LOYAL);

  it('refuses an unknown referrer when the engine supplies the facts', () => {
    spec.given([]).when(cmd.register({ referrer: { exists: false, referrerChain: [] } })).thenThrows(ErrorCode.REFERRAL_UNKNOWN_REFERRER, 'rejected');
  });

  it('refuses a referral cycle: the referrer was itself referred, directly or not, by the new customer', () => {
    spec.given([]).when(cmd.register({ referrer: { exists: true, referrerChain: ['c-carl', CUSTOMER] } })).thenThrows(ErrorCode.REFERRAL_CYCLE, 'rejected');
  });

  it('registers with a known referrer, keeping the looked-up facts out of the event', () => {
    spec.given([]).when(cmd.register({ referrer: { exists: true, referrerChain: ['c-carl'] } })).then([evt.registered()]);
  });

  it('refuses self-referral with the code it always had', () => {
    spec.given([]).when(cmd.register({ referrerId: CUSTOMER })).thenThrows(ErrorCode.SELF_REFERRAL, 'rejected');
  });
});

describe('when a referral is settled', () => {
  it('decides nothing before the window after the first purchase has passed', () => {
    expect(settle(ada, bob, { asOf: '2024-03-02T09:59:59.999Z' })).toEqual({ referee: [], referrer: [] });
  });

  it('rewards both, each on its own stream, as configured (a coupon for the new customer, points for the referrer)', () => {
    expect(settle(ada)).toEqual({
      referee: [
        {
          type: 'ReferralRewarded',
          data: { customerId: CUSTOMER, role: 'referee', refereeId: CUSTOMER, referrerId: 'c-bob', couponId: 'referral:c-ada', settledAt: DUE, rulesVersion: 'rules-1' },
        },
        {
          type: 'CouponIssued',
          data: {
            customerId: CUSTOMER, couponId: 'referral:c-ada', offer: { kind: 'amount-off', amountOff: 1000, minSpend: 5000, currency: 'EUR' },
            validFrom: DUE, validTo: '2024-05-01T10:00:00.000Z', reason: 'referral', issuedAt: DUE, rulesVersion: 'rules-1',
          },
        },
      ],
      referrer: [
        {
          type: 'ReferralRewarded',
          data: { customerId: 'c-bob', role: 'referrer', refereeId: CUSTOMER, referrerId: 'c-bob', points: 500, settledAt: DUE, rulesVersion: 'rules-1' },
        },
        {
          type: 'PointsEarned',
          data: {
            customerId: 'c-bob', lotId: 'referral:c-ada', source: 'referral', refereeId: CUSTOMER, points: 500, debtRepaid: 0, earnedAt: DUE,
            expiry: { kind: 'at', expiresAt: '2025-03-02T10:00:00.000Z' }, rules: ['referral'], rulesVersion: 'rules-1',
          },
        },
      ],
    });
  });

  it('rewards exactly once, whichever side was already settled', () => {
    const first = settle(ada);
    expect(settle([...ada, ...first.referee], [...bob, ...first.referrer])).toEqual({ referee: [], referrer: [] });
    expect(settle(ada, [...bob, ...first.referrer])).toEqual({ referee: first.referee, referrer: [] });
    expect(fold([...bob, ...first.referrer]).loyalty.ledger.balance).toBe(500);
  });

  it('declines, with the reason, when the first purchase was wholly refunded within the window', () => {
    const refunded = [...ada, evt.refunded({ amount: 5000, occurredAt: '2024-02-20T10:00:00.000Z' })];
    expect(settle(refunded)).toEqual({
      referee: [{
        type: 'ReferralDeclined',
        data: { customerId: CUSTOMER, referrerId: 'c-bob', reason: ErrorCode.REFERRAL_FIRST_PURCHASE_REFUNDED, settledAt: DUE, rulesVersion: 'rules-1' },
      }],
      referrer: [],
    });
    expect(settle([...refunded, ...settle(refunded).referee])).toEqual({ referee: [], referrer: [] });
  });

  it('rewards after a partial refund, or a refund after the window', () => {
    expect(settle([...ada, evt.refunded({ amount: 4999, occurredAt: '2024-02-20T10:00:00.000Z' })]).referrer).toHaveLength(2);
    const late = [...ada, evt.refunded({ amount: 5000, occurredAt: DUE })];
    expect(settle(late, bob, { asOf: '2024-03-10T00:00:00Z' }).referrer).toHaveLength(2);
  });

  it.each<[string, readonly CustomerStreamEvent[], string[], string]>([
    ['an unknown referrer', [], [], ErrorCode.REFERRAL_UNKNOWN_REFERRER],
    ['a referrer the new customer referred', [bobRegistered({ referrerId: CUSTOMER })], [], ErrorCode.REFERRAL_CYCLE],
    ['a cycle further up the chain', [bobRegistered({ referrerId: 'c-carl' })], ['c-dan', CUSTOMER], ErrorCode.REFERRAL_CYCLE],
  ])('declines %s', (_, referrer, chain, reason) => {
    const { referee, referrer: theirs } = settle(ada, referrer, { chain });
    expect(referee).toEqual([{ type: 'ReferralDeclined', data: expect.objectContaining({ reason }) }]);
    expect(theirs).toEqual([]);
  });

  it('still rewards the new customer when the referrer was erased', () => {
    const { referee, referrer } = settle(ada, [...bob, { type: 'CustomerErased', data: { customerId: 'c-bob', erasedAt: NOW } }]);
    expect(referee.map((e) => e.type)).toEqual(['ReferralRewarded', 'CouponIssued']);
    expect(referrer).toEqual([]);
  });

  it('has nothing to settle without a referrer, a purchase, the referral rules, or after erasure', () => {
    const nothing = { referee: [], referrer: [] };
    expect(settle([evt.registered({ referrerId: undefined }), evt.purchased()])).toEqual(nothing);
    expect(settle([evt.registered()])).toEqual(nothing);
    expect(settle(ada, bob, { context: withRules({ referral: undefined }) })).toEqual(nothing);
    expect(settle([...ada, evt.erased()])).toEqual(nothing);
  });

  it('refuses to decide on the wrong streams or without rules: engine bugs', () => {
    expect(() => settle(ada, [bobRegistered({ customerId: 'c-carl' })])).toThrow(StreamMismatchError);
    expect(() => settle(ada, bob, { context: { now: NOW } })).toThrow(LoyaltyRulesMissingError);
  });

  it('gives no amount-off coupon in a currency the template does not price', () => {
    const inYen = [evt.registered(), evt.purchased({ currency: 'JPY', amount: 5000 })];
    expect(settle(inYen).referee).toEqual([
      { type: 'ReferralRewarded', data: expect.not.objectContaining({ couponId: expect.anything() }) },
    ]);
  });

  it('gives the new customer points instead when so configured', () => {
    const rules = { ...RULES, referral: { ...RULES.referral!, referee: { points: 100 } } };
    const events = settle(ada, bob, { context: { now: NOW, rules } }).referee;
    expect(events[1]).toMatchObject({ type: 'PointsEarned', data: { lotId: 'referral:c-ada', points: 100, source: 'referral' } });
  });
});
