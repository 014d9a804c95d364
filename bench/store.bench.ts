import { randomBytes, randomUUID } from 'node:crypto';
import { rawInsertSql, rawScanSql, START, type EventToAppend } from '@lifecycle/event-store';
import { validateEngineConfig } from '@lifecycle/engine/config/engine-config';
import { createEngine } from '@lifecycle/engine/engine';
import type { BenchLine, BenchSection } from './bench-table';
import type { Backend } from './backends';
import { opsPerSecond } from './measure';

export interface StoreBenchSizes {
  readonly singleAppends: number;
  readonly httpCommands: number;
  readonly batches: number;
  readonly scanEvents: number;
}

const payload = (i: number) => ({ orderId: `o-${i}`, amount: 1000 + (i % 5000), currency: 'EUR', occurredAt: '2024-03-01T10:00:00.000Z' });
const event = (i: number): EventToAppend => ({ id: randomUUID(), type: 'PurchaseRecorded', data: payload(i), metadata: { source: 'bench' } });

/** Column arrays for rawInsertSql: `n` events, each the first of a fresh stream. */
function rawRows(prefix: string, n: number, from: number): unknown[] {
  const rows = Array.from({ length: n }, (_, k) => from + k);
  return [
    rows.map((i) => `${prefix}-${i}`),
    rows.map(() => 0),
    rows.map(() => randomUUID()),
    rows.map(() => 'PurchaseRecorded'),
    rows.map((i) => JSON.stringify(payload(i))),
    rows.map(() => JSON.stringify({ source: 'bench' })),
  ];
}

/**
 * The write and read paths of one backend, each beside its raw SQL baseline on the same tables:
 * one event per transaction, 1,000 events per transaction, and a scan of the log.
 */
export async function storeBench(backend: Backend, sizes: StoreBenchSizes): Promise<BenchSection> {
  const lines: BenchLine[] = [];
  const run = randomBytes(3).toString('hex');

  // One event per transaction.
  let i = 0;
  const rawSingle = await opsPerSecond('raw insert', () => backend.raw(rawInsertSql, rawRows(`raw1-${run}`, 1, i++)), sizes.singleAppends);
  lines.push({ name: 'raw SQL INSERT, 1 event per transaction', value: rawSingle, unit: 'events/s' });
  let j = 0;
  const single = await opsPerSecond(
    'append new stream',
    () => backend.store.appendToStream(`bench1-${run}-${j}`, [event(j++)], { expectedRevision: 'no-stream' }),
    sizes.singleAppends,
  );
  lines.push({ name: 'adapter appendToStream, 1 event, new stream', value: single, unit: 'events/s', baseline: 'raw SQL INSERT, 1 event per transaction', target: '>= 80%' });
  // The common case: one more event on an existing customer stream, at its exact revision.
  const revisions = new Array<bigint>(1000).fill(0n);
  await backend.store.appendToStreams(revisions.map((_, s) => ({ streamId: `benche-${run}-${s}`, expectedRevision: 'no-stream' as const, events: [event(s)] })));
  let e = 0;
  const existing = await opsPerSecond(
    'append existing stream',
    async () => {
      const s = e++ % revisions.length;
      const result = await backend.store.appendToStream(`benche-${run}-${s}`, [event(e)], { expectedRevision: revisions[s]! });
      revisions[s] = result.nextExpectedRevision;
    },
    sizes.singleAppends,
  );
  lines.push({ name: 'adapter appendToStream, 1 event, existing stream', value: existing, unit: 'events/s', baseline: 'raw SQL INSERT, 1 event per transaction', target: '>= 80%' });

  // The whole command path: HTTP, validation, load + fold the stream, decide, append.
  const adminKey = `bench-admin-${randomBytes(8).toString('hex')}`;
  const engine = await createEngine(validateEngineConfig({ adminKey, logLevel: 'silent' }), {
    storage: await backend.engineStorage(randomBytes(32)),
  });
  await engine.app.listen(0, '127.0.0.1');
  const url = await engine.app.getUrl();
  let k = 0;
  const http = await opsPerSecond(
    'http',
    async () => {
      const n = k++;
      const res = await fetch(`${url}/customers/b-${run}-${n % 1000}/purchases`, {
        method: 'POST',
        headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
        body: JSON.stringify(payload(n)),
      });
      if (res.status !== 201) throw new Error(`POST purchase answered ${res.status}: ${await res.text()}`);
    },
    sizes.httpCommands,
  );
  await engine.app.close();
  lines.push({ name: 'POST /customers/:id/purchases over HTTP', value: http, unit: 'events/s', baseline: 'raw SQL INSERT, 1 event per transaction', note: 'sequential requests' });

  // 1,000 events per transaction.
  let b = 0;
  const rawBatch = await opsPerSecond('raw batch', () => backend.raw(rawInsertSql, rawRows(`rawb-${run}`, 1000, 1000 * b++)), sizes.batches);
  lines.push({ name: 'raw SQL INSERT, 1,000 rows per transaction', value: rawBatch * 1000, unit: 'events/s' });
  let m = 0;
  const multi = await opsPerSecond(
    'multi append',
    () => {
      const base = m++;
      return backend.store.appendToStreams(
        Array.from({ length: 100 }, (_, s) => ({
          streamId: `benchm-${run}-${base}-${s}`,
          expectedRevision: 'no-stream' as const,
          events: Array.from({ length: 10 }, (_, e) => event(base * 1000 + s * 10 + e)),
        })),
      );
    },
    sizes.batches,
  );
  lines.push({ name: 'adapter appendToStreams, 100 streams x 10 events', value: multi * 1000, unit: 'events/s', baseline: 'raw SQL INSERT, 1,000 rows per transaction', target: '>= 50%' });

  // Reading the log forward, 1,000 events a page.
  const pageSize = 1000;
  const scanRaw = async () => {
    let after = { tx: '0', pos: '0' };
    let seen = 0;
    while (seen < sizes.scanEvents) {
      const result = (await backend.raw(rawScanSql, [after.tx, after.pos, pageSize])) as { rows: { transaction_id: unknown; global_position: unknown }[] };
      if (result.rows.length === 0) break;
      seen += result.rows.length;
      const last = result.rows[result.rows.length - 1]!;
      after = { tx: String(last.transaction_id), pos: String(last.global_position) };
    }
    return seen;
  };
  const scanStore = async () => {
    let after = START;
    let seen = 0;
    while (seen < sizes.scanEvents) {
      const page = await backend.store.readAll({ after, maxCount: pageSize });
      if (page.length === 0) break;
      seen += page.length;
      after = page[page.length - 1]!.position;
    }
    return seen;
  };
  const scanned = await scanRaw();
  const rawScan = await opsPerSecond('raw scan', scanRaw, 3);
  lines.push({ name: `raw SQL SELECT scan, pages of ${pageSize}`, value: rawScan * scanned, unit: 'events/s', note: `${scanned.toLocaleString('en-US')} events` });
  const storeScan = await opsPerSecond('readAll', scanStore, 3);
  lines.push({ name: 'adapter readAll, pages of 1,000', value: storeScan * scanned, unit: 'events/s', baseline: `raw SQL SELECT scan, pages of ${pageSize}`, target: '>= 50%' });

  return { title: `Event store on ${backend.name}`, lines };
}
