import { evt } from '../testing/customer-fixtures';
import { upstreamKeyOf } from './upstream-key';

describe('upstreamKeyOf', () => {
  it('names the upstream fact each event records', () => {
    expect([
      evt.registeredImplicitly(),
      evt.registered(),
      evt.purchased({ orderId: 'A-1001' }),
      evt.refunded({ refundId: 'R-7' }),
      evt.interacted({ interactionId: 'i-3' }),
      evt.erased(),
    ].map(upstreamKeyOf)).toEqual([
      'registration:implicit', 'registration:explicit', 'order:A-1001', 'refund:R-7', 'interaction:i-3', 'erasure',
    ]);
  });

  it('does not depend on anything but the upstream id, so a redelivery maps to the same event', () => {
    expect(upstreamKeyOf(evt.purchased({ amount: 1 }))).toBe(upstreamKeyOf(evt.purchased({ amount: 2, occurredAt: '2025-01-01T00:00:00.000Z' })));
    expect(upstreamKeyOf(evt.registered({ channel: 'store' }))).toBe(upstreamKeyOf(evt.registered()));
  });
});
