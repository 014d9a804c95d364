import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
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

export const postgresAdminUrl = () => process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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
  const name = `le_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 10 });
  const store = await createPostgresEventStore(pool);
  return {
    name: 'postgres',
    store,
    raw: (sql, params) => pool.query(sql, params),
    engineStorage: (masterKey) => postgresStorage(pool, masterKey),
    close: async () => {
      await store.close();
      await pool.end();
      const c = new Client({ connectionString: postgresAdminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
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
