import { londonToUtc } from './london-time';
import { RetailInvoices, type RetailRow } from './online-retail-invoices';
import { stockCodeKind } from './stock-codes';

const row = (InvoiceNo: string, StockCode: string, Quantity: number, UnitPrice: string, InvoiceDate = '2011-01-10 10:00:00', CustomerID = '17850.0'): RetailRow => ({
  InvoiceNo, StockCode, Quantity: String(Quantity), UnitPrice, InvoiceDate, CustomerID,
});

const plan = (...rows: RetailRow[]) => {
  const invoices = new RetailInvoices();
  for (const r of rows) invoices.add(r);
  return { messages: invoices.messages(), skipped: invoices.skipped.toRecord(), rows: invoices.rows };
};

describe('Online Retail invoices', () => {
  it('makes an invoice one GBP order: products are items, postage is paid but no item, bank charges are left out', () => {
    const { messages, skipped } = plan(
      row('536365', '85123A', 6, '2.55'),
      row('536365', '71053', 6, '3.39'),
      row('536365', 'POST', 1, '18.00'),
      row('536365', 'BANK CHARGES', 1, '15.00'),
    );
    expect(messages).toEqual([
      {
        kind: 'purchases', customerId: 'retail-17850', line: 1,
        body: {
          orderId: '536365', amount: 1530 + 2034 + 1800, currency: 'GBP', occurredAt: '2011-01-10T10:00:00.000Z',
          items: [{ sku: '85123A', quantity: 6, amount: 1530 }, { sku: '71053', quantity: 6, amount: 2034 }],
        },
      },
    ]);
    expect(skipped['SHOP_ACCOUNT:BANK CHARGES']?.count).toBe(1);
  });

  it('counts and skips rows without a customer, and rows that do not parse', () => {
    const { messages, skipped, rows } = plan(row('536365', '85123A', 6, '2.55', undefined, ''), row('536366', '85123A', 6, 'abc'), row('536367', '22633', 6, '1.85'));
    expect(rows).toBe(3);
    expect(messages.map((m) => m.body.orderId)).toEqual(['536367']);
    expect(skipped.NO_CUSTOMER?.count).toBe(1);
    expect(skipped.MALFORMED_ROW?.count).toBe(1);
  });

  it('rounds a line of a price in tenths of a penny to the penny', () => {
    const { messages } = plan(row('540001', 'PADS', 3, '0.001'), row('540001', '22633', 7, '0.165'));
    expect(messages[0]!.body).toMatchObject({ amount: 0 + 116, items: [{ sku: 'PADS', quantity: 3, amount: 0 }, { sku: '22633', quantity: 7, amount: 116 }] });
  });

  describe('a cancellation (C invoice)', () => {
    const orders = [
      row('540001', '22633', 10, '2.00', '2011-01-05 09:00:00'),
      row('540002', '22633', 2, '2.00', '2011-01-07 09:00:00'),
      row('540002', '84029E', 1, '4.00', '2011-01-07 09:00:00'),
    ];

    it('refunds the latest earlier order that still holds the cancelled goods', () => {
      const { messages } = plan(...orders, row('C540010', '22633', -2, '2.00', '2011-01-08 12:00:00'));
      expect(messages[2]).toEqual({
        kind: 'refunds', customerId: 'retail-17850', line: 4, body: { refundId: 'C540010', orderId: '540002', amount: 400, occurredAt: '2011-01-08T12:00:00.000Z' },
      });
    });

    it('passes over an order without enough of the goods, or with too little left to refund', () => {
      const { messages } = plan(
        ...orders,
        row('C540010', '22633', -5, '2.00', '2011-01-08 12:00:00'), // 540002 has 2: goes to 540001
        row('C540011', '22633', -2, '2.00', '2011-01-08 13:00:00'), // 540002 still has 2
        row('C540012', '22633', -2, '2.00', '2011-01-08 14:00:00'), // 540002 has none left now: 540001 (5 left)
      );
      expect(messages.slice(2).map((m) => [m.body.refundId, m.body.orderId, m.body.amount])).toEqual([
        ['C540010', '540001', 1000],
        ['C540011', '540002', 400],
        ['C540012', '540001', 400],
      ]);
    });

    it('matches a discount (no goods) to the latest order with enough left to refund', () => {
      const { messages } = plan(...orders, row('C540013', 'D', -1, '10.00', '2011-01-09 10:00:00'));
      expect(messages[2]!.body).toMatchObject({ refundId: 'C540013', orderId: '540001', amount: 1000 });
    });

    it('is reported, not imported, when no single earlier order covers it', () => {
      const { messages, skipped } = plan(
        ...orders,
        row('C540014', '22633', -13, '2.00', '2011-01-09 10:00:00'), // 12 bought over two orders
        row('C540015', '99999', -1, '1.00', '2011-01-09 10:00:00'), // never bought in the file
        row('C540016', '22633', -1, '2.00', '2011-01-04 10:00:00'), // before any order
      );
      expect(messages.filter((m) => m.kind === 'refunds')).toEqual([]);
      expect(skipped.UNMATCHED_CANCELLATION?.count).toBe(3);
    });

    it('comes after its order in time even when the file has it first', () => {
      const { messages } = plan(row('C540010', '22633', -1, '2.00', '2011-01-08 12:00:00'), ...orders);
      expect(messages.map((m) => m.body.orderId)).toEqual(['540001', '540002', '540002']);
    });
  });

  it('reads the UK local time of the file as the UTC instant, summer time included', () => {
    expect(londonToUtc('2010-12-01 08:26:00')).toBe('2010-12-01T08:26:00.000Z');
    expect(londonToUtc('2011-06-01 10:30:00')).toBe('2011-06-01T09:30:00.000Z');
    expect(londonToUtc('2011-10-31 10:30:00')).toBe('2011-10-31T10:30:00.000Z');
    expect(londonToUtc('2011-13-01 10:30')).toBeUndefined();
  });

  it('sorts stock codes by the documented rule', () => {
    expect(['85123A', '22633', 'gift_0001_20', 'DCGSSGIRL', 'PADS'].map(stockCodeKind)).toEqual(Array(5).fill('product'));
    expect(['POST', 'DOT', 'C2', 'M', 'm', 'D'].map(stockCodeKind)).toEqual(Array(6).fill('charge'));
    expect(['BANK CHARGES', 'AMAZONFEE', 'CRUK', 'B', 'S'].map(stockCodeKind)).toEqual(Array(5).fill('shop-account'));
  });
});
