import { sharedDataFile } from '@lifecycle/testing';
import { cdnowCustomerEvents } from './cdnow-log';

const totals = (byCustomer: ReturnType<typeof cdnowCustomerEvents>) => {
  const purchases = [...byCustomer.values()].flat().filter((e) => e.type === 'PurchaseRecorded');
  return {
    customers: byCustomer.size,
    purchases: purchases.length,
    cents: purchases.reduce((sum, e) => sum + (e.data as { amount: number }).amount, 0),
    first: purchases.map((e) => (e.data as { occurredAt: string }).occurredAt).sort()[0],
  };
};

describe('cdnowCustomerEvents', () => {
  // Rows, customers and first dates as ../shared/data/SOURCES.md gives them for each file.
  it('reads CDNOW_master: 23,570 customers, 69,659 purchases from 1997-01-01, order ids by line number', () => {
    const byCustomer = cdnowCustomerEvents(sharedDataFile('CDNOW_master.txt'));
    expect(totals(byCustomer)).toMatchObject({ customers: 23_570, purchases: 69_659, first: '1997-01-01T00:00:00.000Z' });
    expect(byCustomer.get('00001')![1]).toMatchObject({ type: 'PurchaseRecorded', data: { orderId: 'L2', amount: 1177 } });
  });

  it('reads CDNOW_sample (no header, sample id beside the master id) by master id: 2,357 customers, 6,919 purchases', () => {
    const byCustomer = cdnowCustomerEvents(sharedDataFile('CDNOW_sample.txt'));
    expect(totals(byCustomer)).toMatchObject({ customers: 2_357, purchases: 6_919, first: '1997-01-01T00:00:00.000Z' });
    expect(byCustomer.get('00004')![1]).toMatchObject({ type: 'PurchaseRecorded', data: { orderId: 'L1', amount: 2933, occurredAt: '1997-01-01T00:00:00.000Z' } });
  });
});
