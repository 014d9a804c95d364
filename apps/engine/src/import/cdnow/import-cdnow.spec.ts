import { readFileSync } from 'node:fs';
import { sharedDataFile } from '@lifecycle/testing';
import { repeatSummary, repeatSummaryCsv } from '../../reports/repeat-summary';
import type { TestEngine } from '../../testing/test-engine';
import type { ImportSummary } from '../import-feed';
import { logSize, startImportEngine } from '../testing/import-engine';

/** A CSV with a header as objects, by column name. */
const csvRecords = (text: string): Record<string, string>[] => {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const names = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
};

// CDNOW_sample.txt through the command path, then the repeat-summary report against the two
// summary files shipped with lifetimes (../shared/data/SOURCES.md section 1: Fader & Hardie's CDNOW
// data, the "customer-by-sufficient-statistic" summary of Fader, Hardie & Lee 2005 and Hardie's
// gamma-gamma note), which nobody here wrote.
describe('lifecycle import cdnow, CDNOW_sample.txt', () => {
  let t: TestEngine;
  let importFile: Awaited<ReturnType<typeof startImportEngine>>['importFile'];
  let first: ImportSummary;
  const sample = sharedDataFile('CDNOW_sample.txt');

  beforeAll(async () => {
    ({ t, importFile } = await startImportEngine());
    first = await importFile('cdnow', sample);
  }, 300_000);
  afterAll(() => t.close());

  it('records every line as a purchase of the master customer id', async () => {
    expect(first).toMatchObject({ source: 'cdnow', rows: 6_919, messages: 6_919, recorded: 6_919, repeated: 0, skipped: {}, refused: {} });
    const purchases = await t.engine.storage.sql.query<{ n: string | number; customers: string | number; cents: string | number }>(
      `SELECT count(*) AS n, count(DISTINCT data->>'customerId') AS customers, sum((data->>'amount')::bigint) AS cents FROM events WHERE type = 'PurchaseRecorded'`,
    );
    // 2,357 customers; the dollar total of the sample's fifth column, in cents.
    const dollars = readFileSync(sample, 'latin1').trim().split(/\r?\n/).reduce((sum, l) => sum + Math.round(Number(l.trim().split(/\s+/)[4]) * 100), 0);
    expect(purchases.rows[0]).toEqual({ n: 6_919, customers: 2_357, cents: String(dollars) });
    const one = await t.engine.storage.eventStore.readStream('customer-00004');
    expect(one.filter((e) => e.type === 'PurchaseRecorded').map((e) => e.data)).toEqual([
      { customerId: '00004', orderId: 'cdnow-00004-19970101-2-2933', amount: 2933, currency: 'USD', occurredAt: '1997-01-01T00:00:00.000Z', items: [{ sku: 'cd', quantity: 2, amount: 2933 }] },
      { customerId: '00004', orderId: 'cdnow-00004-19970118-2-2973', amount: 2973, currency: 'USD', occurredAt: '1997-01-18T00:00:00.000Z', items: [{ sku: 'cd', quantity: 2, amount: 2973 }] },
      { customerId: '00004', orderId: 'cdnow-00004-19970802-1-1496', amount: 1496, currency: 'USD', occurredAt: '1997-08-02T00:00:00.000Z', items: [{ sku: 'cd', quantity: 1, amount: 1496 }] },
      { customerId: '00004', orderId: 'cdnow-00004-19971212-2-2648', amount: 2648, currency: 'USD', occurredAt: '1997-12-12T00:00:00.000Z', items: [{ sku: 'cd', quantity: 2, amount: 2648 }] },
    ]);
  });

  it('repeat-summary --as-of 1997-09-30 --unit weeks equals cdnow_customers_summary.csv for all 2,357 customers at two decimals', async () => {
    // Sample id (field 2) -> master id (field 1): the summary files are keyed by the sample id.
    const masterOf = new Map<string, string>();
    for (const line of readFileSync(sample, 'latin1').trim().split(/\r?\n/)) {
      const [master, sampleId] = line.trim().split(/\s+/);
      masterOf.set(String(Number(sampleId)), master!);
    }
    const expected = csvRecords(readFileSync(sharedDataFile('cdnow_customers_summary.csv'), 'latin1'))
      .map((r) => ({ customer_id: masterOf.get(r.ID!)!, frequency: r.frequency!, recency: Number(r.recency).toFixed(2), T: Number(r.T).toFixed(2) }))
      .sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1));
    // The spend companion file (x, t_x, T, zbar): zbar is the mean value of the repeat transactions.
    const zbar = new Map(csvRecords(readFileSync(sharedDataFile('cdnow_customers_summary_with_transactions.csv'), 'latin1')).map((r) => [masterOf.get(r.ID!)!, Number(r.zbar).toFixed(2)]));

    const summary = await repeatSummary(t.engine.storage.eventStore, { asOf: '1997-09-30', unit: 'weeks' });
    const printed = csvRecords(repeatSummaryCsv(summary.rows));
    expect(printed).toHaveLength(2_357);
    expect(printed.map(({ customer_id, frequency, recency, T }) => ({ customer_id, frequency, recency, T }))).toEqual(expected);
    expect(printed.map((r) => [r.customer_id, r.monetary_value])).toEqual(expected.map((r) => [r.customer_id, zbar.get(r.customer_id)]));
    expect(summary.currency).toBe('USD');
  });

  it('imported a second time, adds nothing', async () => {
    const before = await logSize(t);
    const again = await importFile('cdnow', sample);
    expect(again).toMatchObject({ rows: 6_919, messages: 6_919, recorded: 0, repeated: 6_919, refused: {} });
    expect(await logSize(t)).toBe(before);
  }, 300_000);
});
