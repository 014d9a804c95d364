import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { postgresStorage } from './open-storage';
import type { Storage } from './storage';

describeWithPostgres('opening storage on Postgres', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('le_open');
  });
  afterAll(() => db.drop());

  // Several engine processes (ingest, projector, api) start together on a fresh database: each runs
  // the log's, the vault's and the read store's migrations, and none may fail on another's CREATE.
  it('lets four processes migrate one fresh database at once, and they then share one schema', async () => {
    const masterKey = randomBytes(32);
    const pools = Array.from({ length: 4 }, () => new Pool({ connectionString: db.url, max: 4 }));
    const opened: Storage[] = [];
    try {
      const results = await Promise.allSettled(pools.map((pool) => postgresStorage(pool, masterKey)));
      for (const result of results) if (result.status === 'fulfilled') opened.push(result.value);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

      const sealed = await opened[0]!.vault.seal('c-1', { name: 'Ada' }, new Date('2024-03-01T00:00:00Z'));
      expect(await opened[3]!.vault.open('c-1', sealed)).toEqual({ name: 'Ada' });
      await opened[1]!.eventStore.appendToStream('customer-c-1', [{ id: randomUUID(), type: 'Probed', data: {} }], { expectedRevision: 'no-stream' });
      expect((await opened[2]!.eventStore.readStream('customer-c-1')).map((e) => e.type)).toEqual(['Probed']);
    } finally {
      await Promise.all(opened.map((storage) => storage.close()));
      await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    }
  });
});
