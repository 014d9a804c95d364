import { CdnowOrderIds, cdnowPurchase, parseCdnowLine } from './cdnow-rows';

describe('CDNOW lines', () => {
  it('reads a master line (4 fields) and a sample line (5 fields) of the same fact alike', () => {
    const master = parseCdnowLine('00004  19970101   2   29.33\r', 2);
    const sample = parseCdnowLine(' 00004 0001 19970101  2   29.33', 1);
    expect(master).toEqual({ ok: true, row: { masterId: '00004', day: '19970101', cds: 2, cents: 2933, line: 2 } });
    expect(sample).toEqual({ ok: true, row: { masterId: '00004', day: '19970101', cds: 2, cents: 2933, line: 1 } });
  });

  it('skips the header and blank lines, and names what is wrong with a bad line', () => {
    expect(parseCdnowLine(' customer_id  date number_of_cds  dollar_value', 1)).toBeNull();
    expect(parseCdnowLine('   ', 9)).toBeNull();
    expect(parseCdnowLine('00004 19970101 2', 3)).toEqual({ ok: false, line: 3, reason: 'expected 4 (master) or 5 (sample) fields, found 3' });
    expect(parseCdnowLine('00004 19971341 2 29.33', 4)).toMatchObject({ ok: false, reason: 'date 19971341 is not YYYYMMDD' });
    expect(parseCdnowLine('00004 19970101 2 29.333', 5)).toMatchObject({ ok: false, reason: 'dollar value 29.333 is not a non-negative amount' });
  });

  it('derives order ids from the facts, numbering identical lines of one day', () => {
    const ids = new CdnowOrderIds();
    const row = { masterId: '00499', day: '19971001', cds: 1, cents: 1149, line: 10 };
    expect(ids.next(row)).toBe('cdnow-00499-19971001-1-1149');
    expect(ids.next({ ...row, cents: 1549, line: 11 })).toBe('cdnow-00499-19971001-1-1549');
    expect(ids.next({ ...row, line: 12 })).toBe('cdnow-00499-19971001-1-1149-2');
  });

  it('makes a USD purchase at midnight UTC of its day, the CDs as one item; a 0.00 line is a free order', () => {
    const row = { masterId: '00004', day: '19970118', cds: 2, cents: 2973, line: 3 };
    expect(cdnowPurchase(row, 'o')).toEqual({ orderId: 'o', amount: 2973, currency: 'USD', occurredAt: '1997-01-18T00:00:00Z', items: [{ sku: 'cd', quantity: 2, amount: 2973 }] });
    expect(cdnowPurchase({ ...row, cents: 0 }, 'o')).toMatchObject({ amount: 0, items: [{ sku: 'cd', quantity: 2, amount: 0 }] });
  });
});
