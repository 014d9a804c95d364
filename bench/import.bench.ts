import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { rawInsertSql, type RecordedEvent, START } from '@lifecycle/event-store';
import { validateEngineConfig } from '@lifecycle/engine/config/engine-config';
import { type ImportSource, runImport } from '@lifecycle/engine/import/run-import';
import { loadLoyaltyRules } from '@lifecycle/engine/rules/load-loyalty-rules';
import { sharedDataFile } from '@lifecycle/testing';
import type { BenchLine, BenchSection } from './bench-table';
import { openEmbeddedBackend } from './backends';

/** Events per raw INSERT: the importer's batch (2,000 facts) makes about this many events. */
const RAW_BATCH = 2_000;

/** Every event of a log, in log order. */
export async function readWholeLog(read: (after: RecordedEvent['position']) => Promise<RecordedEvent[]>): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after = START;
  for (;;) {
    const page = await read(after);
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
}

/**
 * One data set imported through the batched command path into a fresh embedded store on disk (as
 * `npm start` keeps it), then the very events it appended inserted with plain SQL into another
 * fresh one, in batches of 2,000 rows: the ratio is what the command path (decode, validate, load
 * and fold each customer, decide with the loyalty rules, append with expected revisions) costs over
 * writing the rows.
 */
async function importLines(source: ImportSource, label: string, file: string): Promise<BenchLine[]> {
  const target = await openEmbeddedBackend();
  let events: RecordedEvent[];
  let imported: { rows: number; facts: number; ms: number };
  try {
    const storage = await target.engineStorage(randomBytes(32));
    const config = validateEngineConfig({ logLevel: 'silent' });
    const started = performance.now();
    const summary = await runImport(source, file, { storage, config, rules: loadLoyaltyRules(config.rulesFile) });
    imported = { rows: summary.rows, facts: summary.recorded, ms: performance.now() - started };
    events = await readWholeLog((after) => target.store.readAll({ after, maxCount: 5_000 }));
  } finally {
    await target.close();
  }

  const raw = await openEmbeddedBackend();
  let rawMs: number;
  try {
    const batches: unknown[][] = [];
    for (let i = 0; i < events.length; i += RAW_BATCH) {
      const slice = events.slice(i, i + RAW_BATCH);
      batches.push([
        slice.map((e) => e.streamId),
        slice.map((e) => e.revision.toString()),
        slice.map((e) => e.id),
        slice.map((e) => e.type),
        slice.map((e) => JSON.stringify(e.data)),
        slice.map((e) => JSON.stringify(e.metadata)),
      ]);
    }
    const started = performance.now();
    for (const b of batches) await raw.raw(rawInsertSql, b);
    rawMs = performance.now() - started;
  } finally {
    await raw.close();
  }
  const seconds = imported.ms / 1000;
  const rawLine = `raw SQL INSERT of the same ${events.length.toLocaleString('en-US')} events (${label})`;
  return [
    { name: rawLine, value: (events.length * 1000) / rawMs, unit: 'events/s', note: `batches of ${RAW_BATCH.toLocaleString('en-US')} rows` },
    {
      name: `import ${label}: events appended`, value: events.length / seconds, unit: 'events/s', baseline: rawLine,
      note: `${seconds.toFixed(1)} s wall; ${imported.facts.toLocaleString('en-US')} facts -> ${events.length.toLocaleString('en-US')} events (with points and tiers)`,
    },
    { name: `import ${label}: file rows`, value: imported.rows / seconds, unit: 'rows/s', note: `${imported.rows.toLocaleString('en-US')} rows read` },
  ];
}

/** The first `rows` rows of the UCI file, gzipped again (quick runs). */
function retailSlice(rows: number): { file: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'le-bench-retail-'));
  const lines = gunzipSync(readFileSync(sharedDataFile('online-retail-dataset.csv.gz'))).toString('utf8').split('\n').slice(0, rows + 1);
  const file = join(dir, 'slice.csv.gz');
  writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `--only import`: CDNOW_master (69,659 lines) and UCI Online Retail (541,909 rows) through
 * `lifecycle import`'s library, each beside a raw insert of the events it produced, in one run.
 * Quick: CDNOW_sample and the first 20,000 Online Retail rows.
 */
export async function importBench(options: { quick: boolean }): Promise<BenchSection> {
  const lines: BenchLine[] = [];
  const cdnow = options.quick ? 'CDNOW_sample.txt' : 'CDNOW_master.txt';
  lines.push(...(await importLines('cdnow', cdnow, sharedDataFile(cdnow))));
  if (options.quick) {
    const slice = retailSlice(20_000);
    try {
      lines.push(...(await importLines('online-retail', 'Online Retail, first 20,000 rows', slice.file)));
    } finally {
      slice.dispose();
    }
  } else lines.push(...(await importLines('online-retail', 'Online Retail', sharedDataFile('online-retail-dataset.csv.gz'))));
  return { title: 'Import through the batched command path (embedded, PGlite on disk)', lines };
}
