import { EmbeddedDatabase } from '@lifecycle/event-store';
import { openEmbeddedReadStore } from '@lifecycle/read-store';
import { rfmFamily } from '@lifecycle/projections';
import { ensureRfmSnapshot } from '@lifecycle/projections/rfm/rfm.query';
import { rfmReadModel } from '@lifecycle/projections/rfm/rfm.read-model';
import { SCORE_RFM, scoringParameters } from '@lifecycle/projections/rfm/rfm.scoring.sql';
import { sharedDataFile } from '@lifecycle/testing';
import { readRetailInvoices } from '@lifecycle/engine/import/online-retail/import-online-retail';
import type { BenchLine, BenchSection } from './bench-table';

/**
 * RFM scoring of the whole UCI Online Retail population as of one instant (the day after the last
 * invoice), on PGlite: the projection's scoring (one RANK() statement over its fact tables; then the
 * same stored as a dated snapshot, as an as-of query does on first use) beside the plain SQL of the
 * same rule over a plain table of the same purchases and refunds (the raw baseline).
 * Facts are the importer's own messages (invoices as orders, matched cancellations as refunds).
 * Each figure is the median of `runs` runs. Target (issue 5): within 2x of the plain SQL.
 */
export async function rfmBench(options: { runs: number }): Promise<BenchSection> {
  const invoices = await readRetailInvoices(sharedDataFile('online-retail-dataset.csv.gz'));
  const messages = invoices.messages();
  const purchases = messages.filter((m) => m.kind === 'purchases');
  const refunds = messages.filter((m) => m.kind === 'refunds');
  const definition = rfmFamily.defaultDefinition;
  const asOf = '2011-12-10T00:00:00.000Z';

  const db = await EmbeddedDatabase.open();
  const ds = await openEmbeddedReadStore(db, rfmReadModel);
  try {
    const col = <T>(list: readonly { customerId: string; body: Readonly<Record<string, unknown>> }[], pick: (m: { customerId: string; body: Readonly<Record<string, unknown>> }) => T) => list.map(pick);
    const p = [col(purchases, (m) => m.customerId), col(purchases, (m) => m.body.orderId), col(purchases, (m) => m.body.occurredAt), col(purchases, (m) => m.body.amount)];
    const r = [col(refunds, (m) => m.customerId), col(refunds, (m) => m.body.refundId), col(refunds, (m) => m.body.orderId), col(refunds, (m) => m.body.occurredAt), col(refunds, (m) => m.body.amount)];
    await ds.query(`INSERT INTO rfm_version (projection_version, definition) VALUES (1, $1)`, [JSON.stringify(definition)]);
    await ds.query(`INSERT INTO rfm_purchase (customer_id, order_id, projection_version, occurred_at, amount)
                    SELECT c, o, 1, t, a FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[]) u(c, o, t, a)`, p);
    await ds.query(`INSERT INTO rfm_refund (customer_id, refund_id, projection_version, order_id, occurred_at, amount)
                    SELECT c, x, 1, o, t, a FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[]) u(c, x, o, t, a)`, r);
    // The raw baseline's tables: the same rows, no version column, no keys beyond what the rule reads.
    await ds.query(`CREATE TABLE plain_purchase (customer text, order_id text, at timestamptz, amount bigint)`);
    await ds.query(`CREATE TABLE plain_refund (customer text, at timestamptz, amount bigint)`);
    await ds.query(`INSERT INTO plain_purchase SELECT c, o, t, a FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[]) u(c, o, t, a)`, p);
    await ds.query(`INSERT INTO plain_refund SELECT c, t, a FROM unnest($1::text[], $2::timestamptz[], $3::bigint[]) u(c, t, a)`, [r[0], r[3], r[4]]);
    await ds.query(`ANALYZE`);

    const plain = await median(options.runs, async () => (await ds.query(PLAIN_RFM, [asOf])) as unknown[]);
    const scored = await median(options.runs, async () => (await ds.query(SCORE_RFM, scoringParameters(1, asOf, definition))) as unknown[]);
    if (scored.result.length !== plain.result.length) throw new Error(`rfm bench: ${scored.result.length} customers scored, ${plain.result.length} by the plain SQL`);
    // A new instant each run (1 ms apart), so that every run scores and stores a snapshot.
    let run = 0;
    const snapshot = await median(options.runs, async () => ensureRfmSnapshot(ds, 1, new Date(Date.parse(asOf) + run++).toISOString()));

    const population = `${plain.result.length.toLocaleString('en-US')} customers, ${purchases.length.toLocaleString('en-US')} orders, ${refunds.length.toLocaleString('en-US')} refunds`;
    const lines: BenchLine[] = [
      { name: 'plain SQL of the rule', value: plain.ms, unit: 'ms', note: `RANK() over a plain table; ${population}` },
      { name: 'rfm scoring (SCORE_RFM)', value: scored.ms, unit: 'ms', baseline: 'plain SQL of the rule', target: '<= 200%', note: 'the projection statement: window, ranks, segment grid, value group' },
      { name: 'rfm snapshot (score + store)', value: snapshot.ms, unit: 'ms', baseline: 'plain SQL of the rule', target: '<= 200%', note: 'what an as-of query costs the first time: the statement above inserted as a dated snapshot' },
    ];
    return { title: `RFM scoring, UCI Online Retail as of ${asOf.slice(0, 10)}, PGlite (lower is better; median of ${options.runs})`, lines };
  } finally {
    await ds.destroy();
    await db.close();
  }
}

/** The rule written plainly (issue 5), over the plain tables: the raw baseline. */
const PLAIN_RFM = `
  WITH bought AS (
    SELECT customer, max(at) AS last_at, count(DISTINCT order_id) AS frequency, sum(amount) AS amount
      FROM plain_purchase WHERE at > $1::timestamptz - interval '365 days' AND at <= $1::timestamptz GROUP BY customer
  ), refunded AS (
    SELECT customer, sum(amount) AS amount
      FROM plain_refund WHERE at > $1::timestamptz - interval '365 days' AND at <= $1::timestamptz GROUP BY customer
  ), m AS (
    SELECT b.customer, floor((extract(epoch FROM $1::timestamptz) - extract(epoch FROM b.last_at)) / 86400) AS recency,
           b.frequency, b.amount - coalesce(r.amount, 0) AS monetary
      FROM bought b LEFT JOIN refunded r ON r.customer = b.customer
  )
  SELECT customer, recency, frequency, monetary,
         5 * (rank() OVER (ORDER BY recency DESC) - 1) / count(*) OVER () + 1 AS r,
         5 * (rank() OVER (ORDER BY frequency) - 1) / count(*) OVER () + 1 AS f,
         5 * (rank() OVER (ORDER BY monetary) - 1) / count(*) OVER () + 1 AS m
    FROM m`;

async function median<T>(runs: number, work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  await work(); // warm-up (plans, caches)
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, result };
}
