import { readFileSync } from 'node:fs';
import { summarizeTransactions } from '@lifecycle/clv';
import { type CustomerEvent, toCustomerStreamId, upstreamKeyOf } from '@lifecycle/domain';
import { eventIdFor, InMemoryEventStore } from '@lifecycle/event-store';
import { sharedDataFile } from '@lifecycle/testing';
import { appendCustomerEvents } from '@lifecycle/projections/testing/cdnow-log';
import { cdnowSampleEvents } from '@lifecycle/projections/clv/testing/cdnow-sample-log';
import { parseCdnowSample } from '../../../../libs/clv/test/cdnow-files';
import { MixedCurrenciesError, readPurchaseHistory } from './purchase-history';

const purchase = (customerId: string, orderId: string, amount: number, occurredAt: string, currency = 'USD'): CustomerEvent => ({
  type: 'PurchaseRecorded',
  data: { customerId, orderId, amount, currency, occurredAt },
});
const refund = (customerId: string, orderId: string, amount: number, occurredAt: string): CustomerEvent => ({
  type: 'PurchaseRefunded',
  data: { customerId, refundId: `r-${orderId}-${occurredAt}`, orderId, amount, currency: 'USD', occurredAt },
});

async function storeWith(...events: CustomerEvent[]): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  // One append per event, in the order given, so the log order is the test's.
  for (const event of events) {
    const streamId = toCustomerStreamId(event.data.customerId);
    await store.appendToStream(streamId, [{ id: eventIdFor(streamId, upstreamKeyOf(event)), type: event.type, data: event.data }], { expectedRevision: 'any' });
  }
  return store;
}

describe('readPurchaseHistory', () => {
  it('gives one transaction per order in major units, at the order time', async () => {
    const store = await storeWith(purchase('a', 'o1', 1999, '2024-01-05T10:00:00.000Z'), purchase('b', 'o2', 500, '2024-01-06T00:00:00.000Z'));
    const history = await readPurchaseHistory(store);
    expect(history.transactions).toEqual([
      { customerId: 'a', at: '2024-01-05T10:00:00.000Z', amount: 19.99 },
      { customerId: 'b', at: '2024-01-06T00:00:00.000Z', amount: 5 },
    ]);
    expect(history.currency).toBe('USD');
    expect(history.eventsRead).toBe(2);
  });

  it('reduces the refunded order on its own day and drops an order refunded in full', async () => {
    const store = await storeWith(
      purchase('a', 'o1', 1000, '2024-01-05T10:00:00.000Z'),
      purchase('a', 'o2', 800, '2024-02-01T10:00:00.000Z'),
      refund('a', 'o1', 300, '2024-03-01T10:00:00.000Z'),
      refund('a', 'o2', 500, '2024-02-03T10:00:00.000Z'),
      refund('a', 'o2', 300, '2024-02-04T10:00:00.000Z'),
    );
    const history = await readPurchaseHistory(store);
    expect(history.transactions).toEqual([{ customerId: 'a', at: '2024-01-05T10:00:00.000Z', amount: 7 }]);
    expect(history.fullyRefundedOrders).toBe(1);
  });

  it('keeps a zero-amount order nobody refunded', async () => {
    const store = await storeWith(purchase('a', 'o1', 0, '2024-01-05T10:00:00.000Z'));
    expect((await readPurchaseHistory(store)).transactions).toEqual([{ customerId: 'a', at: '2024-01-05T10:00:00.000Z', amount: 0 }]);
  });

  it('applies a refund recorded before its order', async () => {
    const store = await storeWith(refund('a', 'o1', 250, '2024-01-06T10:00:00.000Z'), purchase('a', 'o1', 1000, '2024-01-05T10:00:00.000Z'));
    expect((await readPurchaseHistory(store)).transactions).toEqual([{ customerId: 'a', at: '2024-01-05T10:00:00.000Z', amount: 7.5 }]);
  });

  it('reads only what was known at `until`: later orders and later refunds are left out', async () => {
    const store = await storeWith(
      purchase('a', 'o1', 1000, '2024-01-05T10:00:00.000Z'),
      refund('a', 'o1', 1000, '2024-02-01T00:00:00.000Z'),
      purchase('a', 'o2', 400, '2024-01-31T23:59:59.999Z'),
      purchase('a', 'o3', 400, '2024-02-01T00:00:00.001Z'),
    );
    const history = await readPurchaseHistory(store, { until: '2024-01-31T23:59:59.999Z' });
    expect(history.transactions.map((t) => [t.at, t.amount])).toEqual([
      ['2024-01-05T10:00:00.000Z', 10],
      ['2024-01-31T23:59:59.999Z', 4],
    ]);
    expect((await readPurchaseHistory(store, { until: '2024-02-01T00:00:00.000Z' })).transactions.map((t) => t.amount)).toEqual([4]);
  });

  it('refuses to mix currencies unless one is chosen, and uses each currency’s minor unit', async () => {
    const store = await storeWith(purchase('a', 'o1', 1000, '2024-01-05T10:00:00.000Z'), purchase('b', 'o2', 1500, '2024-01-05T10:00:00.000Z', 'JPY'));
    await expect(readPurchaseHistory(store)).rejects.toThrow(MixedCurrenciesError);
    await expect(readPurchaseHistory(store)).rejects.toMatchObject({ code: 'CLV.MIXED_CURRENCIES', currencies: ['JPY', 'USD'] });
    const yen = await readPurchaseHistory(store, { currency: 'JPY' });
    expect(yen.transactions).toEqual([{ customerId: 'b', at: '2024-01-05T10:00:00.000Z', amount: 1500 }]);
    expect(yen.skippedOtherCurrency).toBe(1);
  });

  it('reads the whole log across pages and ignores other events', async () => {
    const store = await storeWith(
      { type: 'CustomerRegistered', data: { customerId: 'a', registeredAt: '2024-01-01T00:00:00.000Z', channel: 'web', implicit: false } },
      ...Array.from({ length: 7 }, (_, i) => purchase('a', `o${i}`, 100 * (i + 1), `2024-01-0${i + 1}T00:00:00.000Z`)),
    );
    const pages: number[] = [];
    const history = await readPurchaseHistory(store, { pageSize: 3, onProgress: (n) => pages.push(n) });
    expect(history.transactions.map((t) => t.amount)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pages).toEqual([3, 6, 8]);
  });

  // The CDNOW sample as the engine records it: the summary from the log must be the one libs/clv
  // builds from the file, which reproduces the published calibration summary.
  it('summarizes the CDNOW sample log exactly as the file', async () => {
    const store = new InMemoryEventStore();
    await appendCustomerEvents(store, cdnowSampleEvents());
    const history = await readPurchaseHistory(store, { until: '1997-09-30T23:59:59.999Z' });
    const fromLog = summarizeTransactions(history.transactions, { asOf: '1997-09-30', unit: 'weeks' });
    const fromFile = summarizeTransactions(parseCdnowSample(readFileSync(sharedDataFile('CDNOW_sample.txt'), 'utf8')), { asOf: '1997-09-30', unit: 'weeks' });
    expect(fromLog).toHaveLength(2357);
    expect(fromLog.map((c) => [c.customerId, c.frequency, c.recency, c.T])).toEqual(fromFile.map((c) => [c.customerId, c.frequency, c.recency, c.T]));
    fromLog.forEach((c, i) => expect(c.monetaryValue).toBeCloseTo(fromFile[i]!.monetaryValue, 9));
  });
});
