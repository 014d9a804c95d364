import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sharedDataFile } from '@lifecycle/testing';
import type { TestEngine } from '../../testing/test-engine';
import { logSize, startImportEngine } from '../testing/import-engine';
import { stockCodeKind } from './stock-codes';

// The first 20,000 rows of the real UCI file (../shared/data/online-retail-dataset.csv.gz, SOURCES.md
// section 2), gzipped again: enough for orders, cancellations and guest rows, small enough to import twice.
const ROWS = 20_000;

describe('lifecycle import online-retail, the first 20,000 rows of the UCI file', () => {
  let t: TestEngine;
  let importFile: Awaited<ReturnType<typeof startImportEngine>>['importFile'];
  let dir: string;
  let file: string;
  let lines: string[];

  beforeAll(async () => {
    ({ t, importFile } = await startImportEngine());
    dir = mkdtempSync(join(tmpdir(), 'online-retail-'));
    file = join(dir, 'slice.csv.gz');
    // Lines, not rows: no description in these rows spans two lines (checked below by the row count).
    lines = gunzipSync(readFileSync(sharedDataFile('online-retail-dataset.csv.gz'))).toString('utf8').split('\n').slice(0, ROWS + 1);
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('records each invoice with a customer once, skips guest rows by count, and a second import adds nothing', async () => {
    // InvoiceNo and StockCode come before the one free-text column, CustomerID is second from the end.
    const all = lines.slice(1).map((l) => l.split(','));
    const guests = all.filter((f) => f[f.length - 2] === '').length;
    const fields = all.filter((f) => f[f.length - 2] !== '' && stockCodeKind(f[1]!) !== 'shop-account');
    const orders = new Set(fields.filter((f) => !f[0]!.startsWith('C')).map((f) => f[0])).size;

    const first = await importFile('online-retail', file);
    expect(first.rows).toBe(ROWS);
    expect(first.skipped.NO_CUSTOMER?.count).toBe(guests);
    expect(first.refused).toEqual({});
    const { rows } = await t.engine.storage.sql.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM events WHERE type IN ('PurchaseRecorded', 'PurchaseRefunded') GROUP BY type ORDER BY type`,
    );
    const refunds = first.recorded - orders;
    expect(refunds).toBeGreaterThan(0);
    expect(rows).toEqual([{ type: 'PurchaseRecorded', n: orders }, { type: 'PurchaseRefunded', n: refunds }]);
    // Every cancellation with a customer is either a refund or reported.
    const cancellations = new Set(fields.filter((f) => f[0]!.startsWith('C')).map((f) => f[0])).size;
    expect(refunds + (first.skipped.UNMATCHED_CANCELLATION?.count ?? 0) + (first.skipped.ZERO_CANCELLATION?.count ?? 0)).toBe(cancellations);

    const before = await logSize(t);
    const again = await importFile('online-retail', file);
    expect(again).toMatchObject({ messages: first.messages, recorded: 0, repeated: first.messages, refused: {} });
    expect(await logSize(t)).toBe(before);
  }, 600_000);

  it('stores a refund against an order of the same customer, in GBP, never above what was paid', async () => {
    const { rows } = await t.engine.storage.sql.query<{ over: number; other: number }>(
      `SELECT count(*) FILTER (WHERE r.amount > p.amount)::int AS over, count(*) FILTER (WHERE p.currency <> 'GBP' OR p.customer_id <> r.customer_id)::int AS other
         FROM (SELECT data->>'customerId' AS customer_id, data->>'orderId' AS order_id, sum((data->>'amount')::bigint) AS amount FROM events WHERE type = 'PurchaseRefunded' GROUP BY 1, 2) r
         JOIN (SELECT data->>'customerId' AS customer_id, data->>'orderId' AS order_id, (data->>'amount')::bigint AS amount, data->>'currency' AS currency FROM events WHERE type = 'PurchaseRecorded') p
           ON p.customer_id = r.customer_id AND p.order_id = r.order_id`,
    );
    expect(rows[0]).toEqual({ over: 0, other: 0 });
  });
});
