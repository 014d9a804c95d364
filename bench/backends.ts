import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { createTestDatabase, postgresAdminUrl } from '@lifecycle/testing/servers';
import { embeddedStorage, postgresStorage } from '@lifecycle/engine/storage/open-storage';
import type { Storage } from '@lifecycle/engine/storage/storage';
import { createEmbeddedEventStore, createPostgresEventStore, EmbeddedDatabase, type EventStore } from '@lifecycle/event-store';

/** One backend under test: the adapter, plain SQL on the same database, and what the engine needs to use it. */
export interface Backend {
  readonly name: 'postgres' | 'embedded';
  readonly store: EventStore;
  /** Plain SQL on the same database, for the raw baselines. */
  raw(sql: string, params?: unknown[]): Promise<unknown>;
  /** Engine storage on this same database (the engine does not own it). */
  engineStorage(masterKey: Buffer): Promise<Storage>;
  close(): Promise<void>;
}


export async function postgresReachable(): Promise<boolean> {
  const c = new Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** A fresh database on the Postgres server, dropped on close. */
export async function openPostgresBackend(): Promise<Backend> {
  const database = await createTestDatabase('le_bench');
  const pool = new Pool({ connectionString: database.url, max: 10 });
  // pool.end() resolves before its connections have closed; the drop below ends the stragglers,
  // which pg reports as an 'error' event that must not end the bench.
  pool.on('error', () => undefined);
  const store = await createPostgresEventStore(pool);
  return {
    name: 'postgres',
    store,
    raw: (sql, params) => pool.query(sql, params),
    engineStorage: (masterKey) => postgresStorage(pool, masterKey),
    close: async () => {
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
}

/** PGlite with its files on disk, as `npm start` runs it. */
export async function openEmbeddedBackend(): Promise<Backend & { db: EmbeddedDatabase; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'le-bench-'));
  const db = await EmbeddedDatabase.open(join(dataDir, 'pglite'));
  const store = await createEmbeddedEventStore(db);
  return {
    name: 'embedded',
    db,
    dataDir,
    store,
    raw: (sql, params) => db.query(sql, params),
    engineStorage: (masterKey) => embeddedStorage(db, masterKey),
    close: async () => {
      await store.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
