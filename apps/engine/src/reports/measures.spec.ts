import { toCustomerStreamId, upstreamKeyOf } from '@lifecycle/domain';
import { eventIdFor, InMemoryEventStore } from '@lifecycle/event-store';
import { type MeasureFact, MeasuresFold, readMeasures } from './measures';

const at = (day: string) => `${day}T12:00:00.000Z`;
const registered = (customerId: string, day: string, referrerId?: string): MeasureFact => ({
  type: 'CustomerRegistered', data: { customerId, registeredAt: at(day), channel: 'web', implicit: false, ...(referrerId ? { referrerId } : {}) },
});
/** A purchase arriving before any registration registers the customer (as the decider does). */
const firstPurchase = (customerId: string, orderId: string, amount: number, day: string): MeasureFact[] => [
  { type: 'CustomerRegistered', data: { customerId, registeredAt: at(day), channel: 'implicit', implicit: true } },
  purchase(customerId, orderId, amount, day),
];
const purchase = (customerId: string, orderId: string, amount: number, day: string): MeasureFact => ({
  type: 'PurchaseRecorded', data: { customerId, orderId, amount, currency: 'EUR', occurredAt: at(day) },
});
const refund = (customerId: string, orderId: string, amount: number, day: string): MeasureFact => ({
  type: 'PurchaseRefunded', data: { customerId, refundId: `r-${orderId}`, orderId, amount, currency: 'EUR', occurredAt: at(day) },
});
const survey = (customerId: string, id: string, day: string, answers: { satisfaction?: number; nps?: number }): MeasureFact => ({
  type: 'InteractionRecorded', data: { customerId, interactionId: id, kind: 'survey', occurredAt: at(day), ...answers },
});

// March 2024 (31 days); the previous period is 2024-01-30 .. 2024-02-29, also 31 days.
const HISTORY: MeasureFact[] = [
  registered('a', '2024-01-10'),
  purchase('a', 'a1', 1000, '2024-02-10'),
  purchase('a', 'a2', 3000, '2024-03-05'),
  purchase('a', 'a3', 2000, '2024-03-20'),
  refund('a', 'a3', 500, '2024-03-25'),
  ...firstPurchase('b', 'b1', 4000, '2024-02-15'), // bought in the previous period, not in March: churned
  ...firstPurchase('c', 'c1', 700, '2024-01-05'), // before the previous period
  purchase('c', 'c2', 1000, '2024-03-10'),
  registered('d', '2024-03-02', 'a'),
  purchase('d', 'd1', 5000, '2024-03-03'),
  refund('d', 'd1', 5000, '2024-04-02'), // after the period: the March order keeps its value
  registered('e', '2024-03-15'),
  ...firstPurchase('f', 'f1', 900, '2024-04-01'), // after the period
  survey('a', 's1', '2024-03-06', { satisfaction: 5, nps: 9 }),
  survey('a', 's2', '2024-03-21', { satisfaction: 3 }), // a's last satisfaction answer
  survey('b', 's3', '2024-03-07', { satisfaction: 4 }),
  survey('b', 's4', '2024-02-20', { nps: 0 }), // before the period
  survey('c', 's5', '2024-03-08', { satisfaction: 2, nps: 10 }),
  survey('d', 's6', '2024-03-09', { nps: 6 }),
  survey('e', 's7', '2024-03-16', { nps: 7 }),
];

// The answers worked out by hand from the history above.
const EXPECTED = {
  from: '2024-03-01T00:00:00.000Z',
  to: '2024-03-31T23:59:59.999Z',
  customers: 5, // a b c d e (f registers in April)
  newCustomers: 1, // d: first purchase in March
  activeCustomers: 3, // a c d
  orders: 4, // a2 a3 c2 d1
  retentionRate: { numerator: 1, denominator: 2, value: 0.5 }, // of a, b (February) only a bought again
  churnRate: { numerator: 1, denominator: 2, value: 0.5 },
  repeatPurchaseRate: { numerator: 1, denominator: 3, value: 1 / 3 }, // a: two orders
  averageOrderValue: {
    EUR: {
      all: { orders: 4, total: 3000 + 1500 + 1000 + 5000, average: 10500 / 4 }, // a3 net of its March refund
      new: { orders: 1, total: 5000, average: 5000 },
      returning: { orders: 3, total: 5500, average: 5500 / 3 },
    },
  },
  satisfactionScore: { numerator: 1, denominator: 3, value: 1 / 3 }, // a: 3 (last), b: 4, c: 2
  nps: { numerator: 1, denominator: 4, value: 25 }, // promoters a, c; detractor d; passive e
  referralRate: { numerator: 1, denominator: 2, value: 0.5 }, // d (referred by a), e
};

describe('measures', () => {
  it('gives the hand-worked answers for March 2024', () => {
    const fold = new MeasuresFold({ from: '2024-03-01', to: '2024-03-31' });
    HISTORY.forEach((f) => fold.add(f));
    expect(fold.result()).toEqual(EXPECTED);
  });

  it('does not depend on the order of the facts', () => {
    const fold = new MeasuresFold({ from: '2024-03-01', to: '2024-03-31' });
    [...HISTORY].reverse().forEach((f) => fold.add(f));
    expect(fold.result()).toEqual(EXPECTED);
  });

  it('says null, not 0, where nobody was measured', () => {
    const fold = new MeasuresFold({ from: '2023-01-01', to: '2023-01-31' });
    HISTORY.forEach((f) => fold.add(f));
    const m = fold.result();
    expect(m).toMatchObject({ customers: 0, activeCustomers: 0, averageOrderValue: {} });
    expect([m.retentionRate.value, m.repeatPurchaseRate.value, m.satisfactionScore.value, m.nps.value, m.referralRate.value]).toEqual([null, null, null, null, null]);
  });

  it('refuses a period that ends before it starts, or a date it cannot read', () => {
    expect(() => new MeasuresFold({ from: '2024-03-31', to: '2024-03-01' })).toThrow('is before from');
    expect(() => new MeasuresFold({ from: 'March', to: '2024-03-01' })).toThrow('from March is not a date');
  });

  it('reads the same answers from the log', async () => {
    const store = new InMemoryEventStore();
    for (const fact of HISTORY) {
      const streamId = toCustomerStreamId(fact.data.customerId);
      await store.appendToStream(streamId, [{ id: eventIdFor(streamId, upstreamKeyOf(fact)), type: fact.type, data: fact.data }], { expectedRevision: 'any' });
    }
    expect(await readMeasures(store, { from: '2024-03-01', to: '2024-03-31' }, { pageSize: 3 })).toEqual(EXPECTED);
  });
});
