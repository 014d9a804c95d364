import { ErrorCode } from '../shared/error-codes';
import { customerDecider, decide } from '../customer/customer.decide';
import { initialState } from '../customer/customer.state';
import { cmd, evt, NOW } from '../testing/customer-fixtures';
import { DeciderSpec } from '../testing/decider-spec';
import { lcmd, levt, LOYAL } from '../testing/loyalty-fixtures';
import { LoyaltyRulesMissingError } from './rules-missing-error';

const spec = DeciderSpec.for(customerDecider, LOYAL);
const registered = spec.given([evt.registered()]);
/** cp-1: 10 euros off a basket of 50, valid in the first half of 2024. */
const withCoupon = [evt.registered(), levt.couponIssued()];
const percentOff = levt.couponIssued({ couponId: 'cp-2', offer: { kind: 'percent-off', percentOff: 15 }, reason: 'birthday' });

describe('when a coupon is issued (IssueCoupon)', () => {
  it('records it with its offer, validity and reason', () => {
    registered.when(lcmd.issueCoupon()).then([levt.couponIssued()]);
  });

  it('is idempotent by coupon id: the same again decides nothing, other facts are a conflict', () => {
    const issued = spec.given(withCoupon);
    issued.when(lcmd.issueCoupon()).thenNothingHappens();
    issued.when(lcmd.issueCoupon({ validTo: '2024-08-01T00:00:00Z' })).thenThrows(ErrorCode.COUPON_CONFLICT, 'conflict');
  });

  it('recognises the repeat when the recorded offer comes back with its keys in another order (a JSONB column)', () => {
    const { offer, ...rest } = levt.couponIssued().data;
    const reordered = Object.fromEntries(Object.entries(offer).reverse()) as typeof offer;
    spec.given([evt.registered(), { type: 'CouponIssued', data: { ...rest, offer: reordered } }]).when(lcmd.issueCoupon()).thenNothingHappens();
  });

  it.each<[string, Parameters<typeof lcmd.issueCoupon>[0], string]>([
    ['a validity that ends before it starts', { validTo: '2024-01-01T00:00:00Z' }, ErrorCode.COUPON_INVALID_VALIDITY],
    ['a reason nobody knows', { reason: 'lottery' as never }, ErrorCode.COUPON_UNKNOWN_REASON],
    ['an offer of another kind', { offer: { kind: 'free-gift' } as never }, ErrorCode.COUPON_INVALID_OFFER],
    ['nothing off', { offer: { kind: 'amount-off', amountOff: 0, minSpend: 0, currency: 'EUR' } }, ErrorCode.COUPON_INVALID_OFFER],
    ['an unknown currency', { offer: { kind: 'amount-off', amountOff: 100, minSpend: 0, currency: 'EUX' } }, ErrorCode.COUPON_INVALID_OFFER],
    ['more than 100 percent off', { offer: { kind: 'percent-off', percentOff: 101 } }, ErrorCode.COUPON_INVALID_OFFER],
    ['a validity that is no instant', { validFrom: 'tomorrow' }, ErrorCode.INVALID_TIME],
    ['a coupon id with a slash', { couponId: 'cp/1' }, ErrorCode.INVALID_ID],
    ['a coupon id of the kind the engine issues itself', { couponId: 'birthday:2024' }, ErrorCode.INVALID_ID],
  ])('refuses %s', (_, over, code) => {
    registered.when(lcmd.issueCoupon(over)).thenThrows(code, 'rejected');
  });

  it('does not know a customer nobody registered, and records nothing new after erasure', () => {
    spec.given([]).when(lcmd.issueCoupon()).thenThrows(ErrorCode.CUSTOMER_NOT_FOUND, 'not-found');
    spec.given([evt.registered(), evt.erased()]).when(lcmd.issueCoupon()).thenThrows(ErrorCode.CUSTOMER_ERASED, 'rejected');
  });
});

describe('when a purchase redeems a coupon', () => {
  it('redeems it, recording the reason and offer for the redemption-rate projections', () => {
    spec.given(withCoupon).when(cmd.purchase({ couponId: 'cp-1' })).then([
      evt.purchased({ couponId: 'cp-1' }), levt.couponRedeemed(), levt.earned(),
    ]);
  });

  it('accepts a basket exactly at the minimum spend: 40 paid + 10 off = 50', () => {
    const events = spec.given(withCoupon).when(cmd.purchase({ couponId: 'cp-1', amount: 4000 })).events();
    expect(events.map((e) => e.type)).toEqual(['PurchaseRecorded', 'CouponRedeemed', 'PointsEarned']);
  });

  it('needs no minimum spend for a percent-off coupon', () => {
    const events = spec.given([evt.registered(), percentOff]).when(cmd.purchase({ couponId: 'cp-2', amount: 100 })).events();
    expect(events[1]).toMatchObject({ type: 'CouponRedeemed', data: { couponId: 'cp-2', reason: 'birthday', offer: { kind: 'percent-off', percentOff: 15 } } });
  });

  it.each<[string, Parameters<typeof cmd.purchase>[0], string]>([
    ['a coupon not issued to this customer', { couponId: 'cp-bob' }, ErrorCode.COUPON_NOT_ISSUED_TO_CUSTOMER],
    ['a basket one cent below the minimum spend', { couponId: 'cp-1', amount: 3999 }, ErrorCode.COUPON_BELOW_MINIMUM_SPEND],
    ['a coupon at the instant it expires', { couponId: 'cp-1', occurredAt: '2024-07-01T00:00:00Z' }, ErrorCode.COUPON_EXPIRED],
    ['a coupon not valid yet', { couponId: 'cp-1', occurredAt: '2023-12-31T23:59:59Z' }, ErrorCode.COUPON_NOT_YET_VALID],
  ])('refuses %s (422, naming the coupon field)', (_, over, code) => {
    const error = spec.given(withCoupon).when(cmd.purchase(over)).thenThrows(code, 'rejected');
    expect(error.details.field).toBe('couponId');
  });

  it('refuses a coupon in another currency than the order', () => {
    const usd = levt.couponIssued({ offer: { kind: 'amount-off', amountOff: 1000, minSpend: 0, currency: 'USD' } });
    spec.given([evt.registered(), usd]).when(cmd.purchase({ couponId: 'cp-1' })).thenThrows(ErrorCode.COUPON_CURRENCY_MISMATCH, 'rejected');
  });

  it('refuses a coupon already used by another order, and answers the order that used it with nothing', () => {
    const used = spec.given([...withCoupon, evt.purchased({ couponId: 'cp-1' }), levt.couponRedeemed()]);
    const error = used.when(cmd.purchase({ orderId: 'o-2', couponId: 'cp-1' })).thenThrows(ErrorCode.COUPON_ALREADY_USED, 'rejected');
    expect(error.details).toMatchObject({ orderId: 'o-1' });
    used.when(cmd.purchase({ couponId: 'cp-1' })).thenNothingHappens();
  });

  it('treats the coupon as part of the order facts: the same order with another coupon is a conflict', () => {
    spec.given([...withCoupon, evt.purchased({ couponId: 'cp-1' }), levt.couponRedeemed()])
      .when(cmd.purchase({ couponId: 'cp-9' })).thenThrows(ErrorCode.ORDER_CONFLICT, 'conflict');
  });

  it('needs the loyalty rules to redeem a coupon', () => {
    const state = withCoupon.reduce(customerDecider.evolve, initialState());
    expect(() => decide(cmd.purchase({ couponId: 'cp-1' }), state, { now: NOW })).toThrow(LoyaltyRulesMissingError);
  });
});

describe('when the order that used a coupon is refunded', () => {
  const used = [...withCoupon, evt.purchased({ couponId: 'cp-1' }), levt.couponRedeemed(), levt.earned()];

  it('gives the coupon back when the whole order is refunded while it is still valid', () => {
    spec.given(used).when(cmd.refund({ amount: 5000 })).then([
      evt.refunded({ amount: 5000 }),
      levt.clawedBack({ points: 50, lots: [{ lotId: 'order:o-1', points: 50 }], refundedAmount: 5000 }),
      levt.couponReleased(),
    ]);
  });

  it('lets a released coupon be used again', () => {
    const released = spec.given([...used, evt.refunded({ amount: 5000 }), levt.couponReleased()]);
    const events = released.when(cmd.purchase({ orderId: 'o-2', couponId: 'cp-1' })).events();
    expect(events[1]).toMatchObject({ type: 'CouponRedeemed', data: { couponId: 'cp-1', orderId: 'o-2' } });
  });

  it('keeps it used after a partial refund, or when it has expired by the time of the refund', () => {
    const partial = spec.given(used).when(cmd.refund({ amount: 4999 })).events();
    expect(partial.map((e) => e.type)).toEqual(['PurchaseRefunded', 'PointsClawedBack']);
    const late = spec.given(used).when(cmd.refund({ amount: 5000, occurredAt: '2024-07-01T00:00:00Z' })).events();
    expect(late.map((e) => e.type)).toEqual(['PurchaseRefunded', 'PointsClawedBack']);
  });
});
