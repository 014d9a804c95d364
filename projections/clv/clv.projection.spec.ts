import fc from 'fast-check';
import { type ClvCustomerRow, clvCustomerFold, type ClvFoldEvent } from './clv.projection';

const fold = clvCustomerFold('USD');
const day = (d: number) => new Date(Date.UTC(1997, 0, 1) + d * 86_400_000).toISOString();

/** Purchases and refunds of one customer over a few order ids: repeats, refunds before their order, other currencies. */
const events = fc.array(
  fc.record({ refund: fc.boolean(), order: fc.integer({ min: 0, max: 5 }), amount: fc.integer({ min: 0, max: 5000 }), day: fc.integer({ min: 0, max: 400 }), eur: fc.boolean() }),
  { maxLength: 25 },
).map((list) => list.map(({ refund, order, amount, day: d, eur }): ClvFoldEvent => {
  const currency = eur ? 'EUR' : 'USD';
  return refund
    ? { type: 'PurchaseRefunded', data: { customerId: 'c', refundId: `r${order}-${d}`, orderId: `o${order}`, amount, currency, occurredAt: day(d) } }
    : { type: 'PurchaseRecorded', data: { customerId: 'c', orderId: `o${order}`, amount, currency, occurredAt: day(d) } };
}));

describe('clv customer fold', () => {
  it('folds a batch of one customer (evolveMany) exactly as event by event (evolve), from any row', () => {
    fc.assert(
      fc.property(events, events, (earlier, batch) => {
        const start = earlier.reduce<ClvCustomerRow | null>((row, e) => fold.evolve(row, e), null);
        const oneByOne = batch.reduce<ClvCustomerRow | null>((row, e) => fold.evolve(row, e), start);
        const many = fold.evolveMany(start, batch);
        expect(many).toEqual(oneByOne);
        expect(JSON.stringify(many, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).toBe(
          JSON.stringify(oneByOne, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
        );
        // Nothing changed: the same row back, so that nothing is written.
        if (oneByOne === start) expect(many).toBe(start);
      }),
      { numRuns: 500 },
    );
  });
});
