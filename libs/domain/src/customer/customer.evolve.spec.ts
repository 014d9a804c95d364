import { CUSTOMER, evt, SEALED } from '../testing/customer-fixtures';
import { type CustomerEvent, isCustomerEvent } from './customer.events';
import { evolve, initialState } from './customer.state';
import { customerProfile, interactionOf, orderOf, refundOf } from './customer.views';
import { stateSnapshot } from '../testing/state-snapshot';

const fold = (events: readonly CustomerEvent[]) => events.reduce(evolve, initialState());

describe('evolve and the views over its state', () => {
  it('starts with nobody', () => {
    expect(customerProfile(initialState())).toMatchObject({
      customerId: undefined, registered: 'none', orderCount: 0, grossSpend: 0, netSpend: 0, erased: false,
    });
  });

  it('keeps an explicit registration with its sealed personal data', () => {
    expect(customerProfile(fold([evt.registered()]))).toMatchObject({
      customerId: CUSTOMER, registered: 'explicit', registeredAt: '2024-01-01T09:00:00.000Z', channel: 'web', referrerId: 'c-bob', personal: SEALED,
    });
  });

  it('lets an explicit registration complete an implicit one', () => {
    const implicit = fold([evt.registeredImplicitly(), evt.purchased()]);
    expect(customerProfile(implicit)).toMatchObject({ registered: 'implicit', channel: 'implicit', registeredAt: '2024-02-01T10:00:00.000Z' });
    expect(customerProfile(evolve(implicit, evt.registered()))).toMatchObject({ registered: 'explicit', channel: 'web', registeredAt: '2024-01-01T09:00:00.000Z' });
  });

  it('sums spend and refunds, and keeps the earliest and latest purchase whatever order they arrive in', () => {
    const state = fold([
      evt.registered(),
      evt.purchased({ orderId: 'o-2', amount: 2000, occurredAt: '2024-03-01T00:00:00.000Z' }),
      evt.purchased({ orderId: 'o-1', amount: 5000, occurredAt: '2024-02-01T00:00:00.000Z' }),
      evt.purchased({ orderId: 'o-3', amount: 1000, occurredAt: '2024-02-15T00:00:00.000Z' }),
      evt.refunded({ refundId: 'r-1', orderId: 'o-1', amount: 1500 }),
      evt.refunded({ refundId: 'r-2', orderId: 'o-3', amount: 1000 }),
    ]);
    expect(customerProfile(state)).toMatchObject({
      currency: 'EUR',
      orderCount: 3,
      fullyRefundedOrderCount: 1,
      grossSpend: 8000,
      refundedAmount: 2500,
      netSpend: 5500,
      firstPurchaseAt: '2024-02-01T00:00:00.000Z',
      lastPurchaseAt: '2024-03-01T00:00:00.000Z',
    });
    expect(orderOf(state, 'o-1')).toEqual({
      orderId: 'o-1', amount: 5000, currency: 'EUR', occurredAt: '2024-02-01T00:00:00.000Z', refundedAmount: 1500, netAmount: 3500,
    });
    expect(refundOf(state, 'r-2')).toEqual({ refundId: 'r-2', orderId: 'o-3', amount: 1000, currency: 'EUR', occurredAt: '2024-02-05T10:00:00.000Z' });
    expect(orderOf(state, 'o-404')).toBeUndefined();
    expect(refundOf(state, 'r-404')).toBeUndefined();
  });

  it('counts an order as fully refunded once, however many refunds close it', () => {
    const state = fold([
      evt.purchased({ amount: 100 }),
      evt.refunded({ refundId: 'r-1', amount: 60 }),
      evt.refunded({ refundId: 'r-2', amount: 40 }),
    ]);
    expect(customerProfile(state).fullyRefundedOrderCount).toBe(1);
  });

  it('counts interactions by kind and keeps the latest', () => {
    const state = fold([
      evt.registered(),
      evt.interacted({ interactionId: 'i-1', occurredAt: '2024-02-03T00:00:00.000Z' }),
      evt.interacted({ interactionId: 'i-2', occurredAt: '2024-02-01T00:00:00.000Z' }),
      evt.interacted({ interactionId: 'i-3', kind: 'survey', nps: 9, channel: undefined }),
    ]);
    expect(customerProfile(state).interactionCounts).toEqual({
      email_open: 2, email_click: 0, app_visit: 0, support_contact: 0, complaint: 0, survey: 1, event_attended: 0, message_sent: 0, call_completed: 0,
    });
    expect(customerProfile(state).lastInteractionAt).toBe('2024-02-03T00:00:00.000Z');
    expect(interactionOf(state, 'i-3')).toEqual({ interactionId: 'i-3', kind: 'survey', occurredAt: '2024-02-02T08:00:00.000Z', nps: 9 });
  });

  it('keeps counting purchases after erasure but no longer holds the sealed personal data', () => {
    const state = fold([evt.registered(), evt.purchased(), evt.refunded(), evt.erased('2024-05-01T00:00:00.000Z')]);
    const profile = customerProfile(state);
    expect(profile).toMatchObject({ erased: true, erasedAt: '2024-05-01T00:00:00.000Z', orderCount: 1, netSpend: 3500, registered: 'explicit' });
    expect(profile.personal).toBeUndefined();
    expect(JSON.stringify(state)).not.toContain(SEALED.sealed);
  });

  it('keeps the first erasure time', () => {
    const state = fold([evt.registered(), evt.erased('2024-05-01T00:00:00.000Z'), evt.erased('2024-06-01T00:00:00.000Z')]);
    expect(customerProfile(state).erasedAt).toBe('2024-05-01T00:00:00.000Z');
  });

  it('does not count an upstream id twice should the log ever hold it twice: the first record stands', () => {
    const state = fold([
      evt.registered(),
      evt.purchased(),
      evt.purchased({ amount: 9999 }),
      evt.refunded(),
      evt.refunded(),
      evt.interacted(),
      evt.interacted(),
      evt.registered({ channel: 'store' }),
    ]);
    expect(customerProfile(state)).toMatchObject({ orderCount: 1, grossSpend: 5000, refundedAmount: 1500, channel: 'web' });
    expect(customerProfile(state).interactionCounts.email_open).toBe(1);
  });

  it('tells its own events from those of other modules sharing the stream', () => {
    expect([evt.registered(), evt.erased(), { type: 'PointsEarned' }, { type: '$metadata' }].map(isCustomerEvent)).toEqual([true, true, false, false]);
  });

  it('leaves event types nobody here knows alone', () => {
    const state = fold([evt.registered(), evt.purchased()]);
    const foreign = { type: 'WinbackStarted', data: { customerId: CUSTOMER } } as unknown as CustomerEvent;
    expect(evolve(state, foreign)).toBe(state);
  });

  it('folds loyalty events into the loyalty part only, leaving the profile as it was', () => {
    const state = fold([evt.registered(), evt.purchased()]);
    const earned = {
      type: 'PointsEarned',
      data: {
        customerId: CUSTOMER, lotId: 'order:o-1', source: 'purchase', orderId: 'o-1', points: 50, debtRepaid: 0, earnedAt: '2024-02-01T10:00:00.000Z',
        expiry: { kind: 'at', expiresAt: '2025-02-01T10:00:00.000Z' }, rules: ['base'], rulesVersion: 'v1',
      },
    } as const;
    const after = evolve(state, earned);
    expect(customerProfile(after)).toEqual(customerProfile(state));
    expect(after.loyalty.ledger.balance).toBe(50);
    expect(evolve(after, earned)).toBe(after);
  });

  it('never changes the state it is given', () => {
    const before = fold([evt.registered(), evt.purchased()]);
    const snapshot = stateSnapshot(before);
    const after = [evt.purchased({ orderId: 'o-2' }), evt.refunded(), evt.interacted(), evt.erased()].reduce(evolve, before);
    expect(stateSnapshot(before)).toEqual(snapshot);
    expect(orderOf(before, 'o-2')).toBeUndefined();
    expect(orderOf(before, 'o-1')?.refundedAmount).toBe(0);
    expect(customerProfile(after)).toMatchObject({ orderCount: 2, refundedAmount: 1500, erased: true });
  });

  it('folds a customer with thousands of orders and refunds', () => {
    const events: CustomerEvent[] = [evt.registered()];
    for (let i = 0; i < 5000; i++) events.push(evt.purchased({ orderId: `o-${i}`, amount: 100 + i }));
    for (let i = 0; i < 5000; i += 5) events.push(evt.refunded({ refundId: `r-${i}`, orderId: `o-${i}`, amount: 100 + i }));
    const profile = customerProfile(fold(events));
    const gross = 5000 * 100 + (4999 * 5000) / 2;
    const refunded = 1000 * 100 + 5 * ((999 * 1000) / 2);
    expect(profile).toMatchObject({ orderCount: 5000, fullyRefundedOrderCount: 1000, grossSpend: gross, refundedAmount: refunded, netSpend: gross - refunded });
  });
});
