import { readFileSync } from 'node:fs';
import { parseCdnowSample, parseNumericCsv } from '../test/cdnow-files';
import { summarizeTransactions, utcDayNumber, type Transaction } from './summary';
import { sharedDataFile } from '@lifecycle/testing/shared-data';

const read = (name: string) => readFileSync(sharedDataFile(name), 'utf8');

describe('summarizeTransactions', () => {
  const tx = (customerId: string, at: string, amount: number): Transaction => ({ customerId, at, amount });

  it('merges same-day purchases, does not count the first day, and averages the repeat days', () => {
    const [c] = summarizeTransactions(
      [
        tx('a', '2024-01-01', 10),
        tx('a', '2024-01-01T18:00:00Z', 5), // same first day: not a repeat, not in the mean
        tx('a', '2024-01-08', 20),
        tx('a', '2024-01-08T09:00:00Z', 10), // same day as the line above: one 30 transaction
        tx('a', '2024-01-15', 6),
      ],
      { asOf: '2024-01-29', unit: 'weeks' },
    );
    expect(c).toEqual({ customerId: 'a', frequency: 2, recency: 2, T: 4, monetaryValue: 18 });
  });

  it('counts T from the first day to the as-of day and keeps purchases made on the as-of day', () => {
    const [c] = summarizeTransactions([tx('a', '2024-03-01', 1), tx('a', '2024-03-11', 2), tx('a', '2024-03-12', 3)], {
      asOf: '2024-03-11',
      unit: 'days',
    });
    expect(c).toMatchObject({ frequency: 1, recency: 10, T: 10, monetaryValue: 2 });
  });

  it('gives a one-time buyer frequency, recency and monetary value 0', () => {
    const [c] = summarizeTransactions([tx('a', '2024-03-01', 7)], { asOf: '2024-03-08', unit: 'days' });
    expect(c).toEqual({ customerId: 'a', frequency: 0, recency: 0, T: 7, monetaryValue: 0 });
  });

  it('leaves out customers first seen after the as-of day, and purchases before calibrationStart', () => {
    const rows = summarizeTransactions(
      [tx('late', '2024-05-01', 1), tx('b', '2023-12-31', 100), tx('b', '2024-01-03', 4), tx('b', '2024-01-05', 6)],
      { asOf: '2024-01-10', unit: 'days', calibrationStart: '2024-01-01' },
    );
    expect(rows).toEqual([{ customerId: 'b', frequency: 1, recency: 2, T: 7, monetaryValue: 6 }]);
  });

  it('reads days in UTC, whatever the offset or the machine zone', () => {
    expect(utcDayNumber('2024-01-01T23:30:00-02:00')).toBe(utcDayNumber('2024-01-02'));
    expect(utcDayNumber('2024-01-01 23:30')).toBe(utcDayNumber('2024-01-01'));
    expect(utcDayNumber(new Date(Date.UTC(2024, 0, 1, 23, 59)))).toBe(utcDayNumber('2024-01-01'));
    expect(() => utcDayNumber('not a date')).toThrow(RangeError);
  });

  it('sorts customers by id and rejects a calibration start after the as-of day', () => {
    const rows = summarizeTransactions([tx('b', '2024-01-01', 1), tx('a', '2024-01-01', 1)], { asOf: '2024-01-02', unit: 'days' });
    expect(rows.map((r) => r.customerId)).toEqual(['a', 'b']);
    expect(() => summarizeTransactions([], { asOf: '2024-01-01', unit: 'days', calibrationStart: '2024-02-01' })).toThrow(RangeError);
  });
});

// The customer-by-sufficient-statistic files shipped with lifetimes (shared/data/SOURCES.md),
// derived from Hardie's CDNOW material: calibration ends 1997-09-30, time in weeks, 2 decimals.
describe('summarizeTransactions on CDNOW_sample (asOf 1997-09-30, weeks)', () => {
  const summaries = summarizeTransactions(parseCdnowSample(read('CDNOW_sample.txt')), { asOf: '1997-09-30', unit: 'weeks' });
  const byId = new Map(summaries.map((s) => [Number(s.customerId), s]));
  const round2 = (v: number) => Math.round(v * 100) / 100;

  it('reproduces every row of cdnow_customers_summary.csv (frequency exactly, recency and T at two decimals)', () => {
    const expected = parseNumericCsv(read('cdnow_customers_summary.csv'));
    expect(expected).toHaveLength(2357);
    expect(summaries).toHaveLength(2357);
    const mismatches = expected.filter((e) => {
      const s = byId.get(e.ID);
      return !s || s.frequency !== e.frequency || round2(s.recency) !== e.recency || round2(s.T) !== e.T;
    });
    expect(mismatches).toEqual([]);
  });

  it('reproduces zbar of cdnow_customers_summary_with_transactions.csv to the cent', () => {
    const expected = parseNumericCsv(read('cdnow_customers_summary_with_transactions.csv'));
    expect(expected).toHaveLength(2357);
    // The file rounds exact half cents up (18.135 -> 18.14) where the binary mean is 18.134999...,
    // so the comparison allows half a cent rather than comparing rounded strings.
    const mismatches = expected.filter((e) => {
      const s = byId.get(e.ID);
      return !s || s.frequency !== e.x || Math.abs(s.monetaryValue - e.zbar) > 0.005 + 1e-9;
    });
    expect(mismatches).toEqual([]);
    expect(summaries.filter((s) => s.frequency > 0)).toHaveLength(946);
  });
});
