import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import {
  CLOCK_STREAM_ID, type ClockTicked, type CustomerEvent, DEFAULT_LIFECYCLE_THRESHOLDS as T, toCustomerStreamId, upstreamKeyOf,
} from '@lifecycle/domain';
import { createEmbeddedEventStore, createPostgresEventStore, EmbeddedDatabase, eventIdFor, type EventStore } from '@lifecycle/event-store';
import { openEmbeddedReadStore, openPostgresReadStore, ProjectionRunner } from '@lifecycle/read-store';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { lifecycleOf } from './lifecycle.query';
import { lifecycleProjection, lifecycleReadModel } from './lifecycle.read-model';
import { dumpLifecycleVersion } from './testing/lifecycle-dump';

const day = (n: number) => new Date(Date.parse('2024-01-01T00:00:00.000Z') + n * 86_400_000).toISOString();
const tick = (at: string): ClockTicked => ({ type: 'ClockTicked', data: { at } });
const bought = (customerId: string, n: number, orderId = `o-${n}`): CustomerEvent => ({
  type: 'PurchaseRecorded', data: { customerId, orderId, amount: 1000, currency: 'EUR', occurredAt: day(n) },
});

/** Ticks, interactions, a late purchase, an erasure: every path of the batch. */
const LOG: readonly (CustomerEvent | ClockTicked)[] = [
  { type: 'CustomerRegistered', data: { customerId: 'c-a', registeredAt: day(0), channel: 'web', implicit: false } },
  bought('c-b', 3), bought('c-a', 5),
  { type: 'InteractionRecorded', data: { customerId: 'c-a', interactionId: 'i-1', kind: 'email_open', occurredAt: day(20) } },
  tick(day(40)), bought('c-c', 41),
  { type: 'InteractionRecorded', data: { customerId: 'c-c', interactionId: 'i-2', kind: 'survey', occurredAt: day(60), satisfaction: 1, nps: 3 } },
  tick(day(130)), bought('c-b', 100, 'o-late'), bought('c-c', 150),
  { type: 'CustomerErased', data: { customerId: 'c-c', erasedAt: day(160) } }, tick(day(400)), bought('c-a', 410), tick(day(900)),
];

async function appendLog(store: EventStore) {
  for (const e of LOG) {
    const streamId = e.type === 'ClockTicked' ? CLOCK_STREAM_ID : toCustomerStreamId(e.data.customerId);
    const key = e.type === 'ClockTicked' ? `tick:${e.data.at}` : upstreamKeyOf(e);
    await store.appendToStream(streamId, [{ id: eventIdFor(streamId, key), type: e.type, data: e.data }], { expectedRevision: 'any' });
  }
}

async function build(ds: DataSource, store: EventStore, version: number, batchSize: number) {
  const runner = new ProjectionRunner({ dataSource: ds, eventStore: store, projections: [lifecycleProjection(version, T)], batchSize, switchWhenCaughtUp: false });
  await runner.start();
  await runner.catchUp();
  await runner.stop();
}

describeWithPostgres('lifecycle read model on Postgres', () => {
  it('builds the same tables as PGlite, byte for byte, with batches of 1 and of 1000, and answers as of an instant', async () => {
    const database = await createTestDatabase('le_lifecycle');
    const pool = new Pool({ connectionString: database.url, max: 4 });
    const pgStore = await createPostgresEventStore(pool);
    const pgDs = await openPostgresReadStore(database.url, lifecycleReadModel);
    const db = await EmbeddedDatabase.open();
    const embeddedStore = await createEmbeddedEventStore(db);
    const embeddedDs = await openEmbeddedReadStore(db, lifecycleReadModel);
    try {
      await appendLog(pgStore);
      await appendLog(embeddedStore);
      await build(pgDs, pgStore, 1, 1);
      await build(pgDs, pgStore, 2, 1000);
      await build(embeddedDs, embeddedStore, 1, 1000);
      const postgres = await dumpLifecycleVersion(pgDs, 1);
      expect(JSON.parse(postgres).transitions.length).toBeGreaterThan(10);
      expect(await dumpLifecycleVersion(pgDs, 2)).toBe(postgres);
      expect(await dumpLifecycleVersion(embeddedDs, 1)).toBe(postgres);
      expect(await lifecycleOf(pgDs, 'c-b', day(120))).toMatchObject({ stage: 'active', since: day(100) });
      expect(await lifecycleOf(pgDs, 'c-c')).toMatchObject({ stage: 'lost', since: day(160) });
    } finally {
      await pgDs.destroy();
      await pgStore.close();
      await pool.end();
      await database.drop();
      await embeddedDs.destroy();
      await embeddedStore.close();
      await db.close();
    }
  }, 300_000);
});
