import { Pool } from 'pg';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { eventIdFor } from '../event-id';
import { EVENT_STORE_MIGRATIONS, migrateEventStore } from '../sql/event-store.migrations';
import { EVENTS_TABLE, MIGRATIONS_TABLE } from '../sql/event-store-tables';
import { eventStoreContract } from '../testing/event-store.contract';
import { openOwnedPool } from './owned-pool';
import { pgPoolSqlClient } from './pg-pool-sql-client';
import { connectPostgresEventStore, createPostgresEventStore } from './postgres-event-store';

describeWithPostgres('Postgres event store', () => {
  let database: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let closePool: () => Promise<void>;
  beforeAll(async () => {
    database = await createTestDatabase('le_event_store');
    ({ pool, close: closePool } = openOwnedPool(database.url, 8));
  });
  afterAll(async () => {
    await closePool();
    await database.drop();
  });

  eventStoreContract('postgres', async () => {
    const store = await createPostgresEventStore(pool, { pollIntervalMs: 10 });
    await pool.query(`TRUNCATE ${EVENTS_TABLE} RESTART IDENTITY`);
    return { store, cleanup: () => store.close() };
  });

  describe('migrations', () => {
    it('several processes starting at once apply each migration exactly once', async () => {
      const fresh = await createTestDatabase('le_event_store_migrate');
      const opened = [0, 1, 2, 3].map(() => openOwnedPool(fresh.url, 1));
      const pools = opened.map((o) => o.pool);
      try {
        const applied = await Promise.all(pools.map((p) => migrateEventStore(pgPoolSqlClient(p))));
        const versions = EVENT_STORE_MIGRATIONS.map((m) => m.version);
        expect(applied.flat().sort()).toEqual(versions);
        expect(applied.filter((a) => a.length > 0)).toHaveLength(1);
        const rows = await pools[0]!.query(`SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`);
        expect(rows.rows.map((r) => r.version)).toEqual(versions);
        expect(await migrateEventStore(pgPoolSqlClient(pools[1]!))).toEqual([]);
      } finally {
        await Promise.all(opened.map((o) => o.close()));
        await fresh.drop();
      }
    });
  });

  describe('a store on a connection string', () => {
    it('owns its pool: it works, and close() ends the pool', async () => {
      const store = await connectPostgresEventStore(database.url, { migrate: false });
      await store.appendToStream('own-pool', [{ id: eventIdFor('own-pool', '1'), type: 'T', data: {} }], { expectedRevision: 'any' });
      expect(await store.readStream('own-pool')).toHaveLength(1);
      await store.close();
      await store.close();
      await expect(store.readStream('own-pool')).rejects.toThrow();
    });
  });
});
