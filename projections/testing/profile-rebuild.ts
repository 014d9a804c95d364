/**
 * Rebuilds projection families over a log a bench run kept (LIFECYCLE_BENCH_LOG_CACHE), for
 * profiling one family at a time without importing again:
 *
 *   node --cpu-prof -r ./bin/register.js projections/testing/profile-rebuild.ts <cacheDir>/CDNOW_master.txt [family,...|all] [dumpTo]
 *
 * `all` builds every family in one HostedProjections, as a fresh engine does. With `dumpTo`, every
 * read-model table of the families built is written there as text (to compare two builds).
 * Environment: PROFILE_SQL=1 prints the time per statement text, with the rows and bytes of its JSON
 * row documents; PROFILE_WINDOW=<file> writes the build's start and end in --cpu-prof's clock (to cut
 * a profile to the build); BATCH_SIZE=<n>; LIFECYCLE_FOLD_THREAD=auto|on|off, as the engine reads it;
 * PROFILE_COLD=1: the build starts the fold thread itself (by default it is started first, as the engine does at boot).
 */
import 'reflect-metadata';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedStorage } from '@lifecycle/engine/storage/open-storage';
import { createEmbeddedEventStore, EmbeddedDatabase } from '@lifecycle/event-store';
import { HostedProjections } from '@lifecycle/read-store';
import { PROJECTION_FAMILIES } from '../families';
import { type FoldThreadMode, setFoldThreadMode, startFoldThread } from '../fold-thread/fold-thread';
import { timedRead } from './rebuild-bench';

/**
 * PROFILE_SQL=1: time per statement text, from the call to its answer. The versions of a batch run
 * side by side, so a statement's time includes its wait behind the others' (PGlite runs one at a
 * time): these add up to more than the build; they tell where PGlite's time goes only roughly.
 */
function timeStatements(): () => string {
  const spent = new Map<string, { ms: number; calls: number; rows: number; bytes: number }>();
  const proto = (require('@electric-sql/pglite') as { PGlite: { prototype: Record<string, unknown> } }).PGlite.prototype;
  for (const method of ['query', 'exec']) {
    const original = proto[method] as (...args: unknown[]) => Promise<unknown>;
    proto[method] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        const key = String(args[0]).replace(/\s+/g, ' ').slice(0, 90);
        const entry = spent.get(key) ?? { ms: 0, calls: 0, rows: 0, bytes: 0 };
        entry.ms += performance.now() - started;
        entry.calls += 1;
        for (const doc of rowDocuments(args[1])) {
          entry.rows += doc.rows;
          entry.bytes += doc.bytes;
        }
        spent.set(key, entry);
      }
    };
  }
  return () => [...spent].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25).map(([k, v]) => `${v.ms.toFixed(0).padStart(7)} ms ${String(v.calls).padStart(6)}x ${String(v.rows).padStart(7)} rows ${(v.bytes / 1e6).toFixed(1).padStart(5)} MB  ${k}`).join('\n');
}

/** The JSON row documents among a statement's parameters (json_to_recordset writes): rows and bytes. */
function rowDocuments(params: unknown): { rows: number; bytes: number }[] {
  if (!Array.isArray(params)) return [];
  return params.flatMap((p: unknown) => {
    // Long json and jsonb parameters travel as UTF-8 bytes (jsonb after a version byte): see embedded-pg-driver.ts.
    const text = typeof p === 'string' ? p : p instanceof Uint8Array ? Buffer.from(p).toString('utf8').replace(/^\x01/, '') : '';
    if (!text.startsWith('[{')) return [];
    const rows = JSON.parse(text) as unknown[];
    return [{ rows: rows.length, bytes: Buffer.byteLength(text) }];
  });
}

// On a shared machine wall time swings with the load; the process's own CPU time much less.
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

async function main(): Promise<void> {
  const report = process.env.PROFILE_SQL ? timeStatements() : undefined;
  if (process.env.LIFECYCLE_FOLD_THREAD) setFoldThreadMode(process.env.LIFECYCLE_FOLD_THREAD as FoldThreadMode);
  const [cached, which = 'all', dumpTo] = process.argv.slice(2);
  const dataDir = mkdtempSync(join(tmpdir(), 'le-profile-'));
  cpSync(join(cached!, 'pglite'), join(dataDir, 'pglite'), { recursive: true });
  const db = await EmbeddedDatabase.open(join(dataDir, 'pglite'));
  const store = await createEmbeddedEventStore(db);
  const storage = await embeddedStorage(db, Buffer.from(readFileSync(join(cached!, 'master-key'), 'utf8'), 'hex'));
  try {
    if (process.env.PROFILE_SHOW) process.stdout.write(`${JSON.stringify((await db.query(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync','full_page_writes','wal_level','shared_buffers','synchronous_commit','wal_buffers','checkpoint_timeout','max_wal_size','work_mem')`)).rows)}\n`);
    if (process.env.PROFILE_PRE_SQL) await db.query(process.env.PROFILE_PRE_SQL);
    const families = which === 'all' ? PROJECTION_FAMILIES : PROJECTION_FAMILIES.filter((f) => which.split(',').includes(f.name));
    const cpuRead = process.cpuUsage();
    const raw = await timedRead(store);
    const readCpu = cpuMs(process.cpuUsage(cpuRead));
    const hosted = new HostedProjections({ dataSource: storage.readStore, eventStore: storage.eventStore, families, takeOver: true, ...(process.env.BATCH_SIZE && { batchSize: Number(process.env.BATCH_SIZE) }) });
    // As the engine does while it boots (see fold-thread.ts); PROFILE_COLD=1 leaves it to the build.
    if (!process.env.PROFILE_COLD) await startFoldThread();
    const cpuBuild = process.cpuUsage();
    const started = performance.now();
    const from = process.hrtime.bigint() / 1000n;
    await hosted.start();
    await hosted.catchUp();
    const ms = performance.now() - started;
    const buildCpu = cpuMs(process.cpuUsage(cpuBuild));
    // The window of the build in the clock of --cpu-prof's timestamps (microseconds, monotonic).
    if (process.env.PROFILE_WINDOW) writeFileSync(process.env.PROFILE_WINDOW, `${from} ${process.hrtime.bigint() / 1000n}\n`);
    await hosted.stop();
    if (report) process.stdout.write(`${report()}\n`);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    const events = rows[0]!.n;
    process.stdout.write(`${families.map((f) => f.name).join(', ')}: ${events} events in ${(ms / 1000).toFixed(2)} s (${Math.round((events * 1000) / ms)} ev/s), ${(buildCpu / 1000).toFixed(2)} s of CPU; raw read ${raw} ev/s, ${(readCpu / 1000).toFixed(2)} s of CPU\n`);
    if (dumpTo) {
      const tables = (await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.columns WHERE column_name = 'projection_version' AND table_schema = 'public' ORDER BY 1`)).rows;
      const out: string[] = [];
      for (const { t } of tables) {
        const dump = await db.query<{ row: string }>(`SELECT (to_jsonb(x))::text AS row FROM ${t} x ORDER BY 1`);
        out.push(`## ${t} ${dump.rows.length}`, ...dump.rows.map((r) => r.row));
      }
      writeFileSync(dumpTo, `${out.join('\n')}\n`);
    }
  } finally {
    await store.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
