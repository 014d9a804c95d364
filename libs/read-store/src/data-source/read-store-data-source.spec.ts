import type { DataSource } from 'typeorm';
import { createEmbeddedEventStore, EmbeddedDatabase, eventIdFor, type EventStore } from '@lifecycle/event-store';
import { Tally, TALLY_READ_MODELS } from '../testing/tally.read-model';
import { LeasedClientReleasedError } from './embedded-pg-driver';
import { openEmbeddedReadStore, READ_STORE_MIGRATIONS_TABLE } from './read-store-data-source';

describe('read store on the embedded database (PGlite)', () => {
  let db: EmbeddedDatabase;
  let eventStore: EventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await EmbeddedDatabase.open();
    eventStore = await createEmbeddedEventStore(db);
    dataSource = await openEmbeddedReadStore(db, TALLY_READ_MODELS);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await eventStore?.close();
    await db?.close();
  });

  let streams = 0;
  const append = (): Promise<unknown> => {
    const streamId = `lease-${++streams}`;
    return eventStore.appendToStream(streamId, [{ id: eventIdFor(streamId, 'x'), type: 'Leased', data: {} }], { expectedRevision: 'no-stream' });
  };
  const eventCount = async (): Promise<number> => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type = 'Leased'`)).rows[0]!.n;

  it('runs the migrations once: checkpoints and the read models given', async () => {
    const applied = (await dataSource.query(`SELECT name FROM ${READ_STORE_MIGRATIONS_TABLE} ORDER BY id`)) as { name: string }[];
    expect(applied.map((m) => m.name)).toEqual(['ProjectionCheckpoints1767225600000', 'ProjectionDefinitions1767225600100', 'TallyTable1767225699000']);

    const again = await openEmbeddedReadStore(db, TALLY_READ_MODELS);
    await again.destroy();
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${READ_STORE_MIGRATIONS_TABLE}`)).toEqual([{ n: 3 }]);
  });

  it('holds the database for a whole transaction: an append made meanwhile waits, and survives its rollback', async () => {
    const before = await eventCount();
    let appended: Promise<unknown> | undefined;
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO test_tally (projection_version, key, events, total) VALUES (0, 'rolled-back', 1, 1)`);
        appended = append();
        // Were the append let in now, it would run inside this transaction and be rolled back with it.
        await manager.query(`SELECT pg_sleep(0.05)`);
        expect(await manager.query(`SELECT count(*)::int AS n FROM events WHERE type = 'Leased'`)).toEqual([{ n: before }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await appended;

    expect(await eventCount()).toBe(before + 1);
    expect(await dataSource.query(`SELECT key FROM test_tally WHERE key = 'rolled-back'`)).toEqual([]);
  });

  it('rolls back a transaction left open by a released connection, so the next user does not inherit it', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    await runner.query(`INSERT INTO test_tally (projection_version, key, events, total) VALUES (0, 'left-open', 1, 1)`);
    await runner.release();

    expect(await db.runExclusive(async (pglite) => pglite.isInTransaction())).toBe(false);
    expect(await dataSource.query(`SELECT key FROM test_tally WHERE key = 'left-open'`)).toEqual([]);
    await expect(runner.query('SELECT 1')).rejects.toThrow();
  });

  it('refuses a statement on a client after its release: it would run outside the lease', async () => {
    const driver = dataSource.driver as unknown as { master: { connect(): Promise<{ query(sql: string): Promise<unknown>; release(): void }> } };
    const client = await driver.master.connect();
    client.release();
    await expect(client.query('SELECT 1')).rejects.toThrow(LeasedClientReleasedError);
  });

  it('reads int8 as pg does (exact decimal text), so bigint columns keep every digit', async () => {
    await dataSource.getRepository(Tally).save({ projectionVersion: 0, key: 'big', events: 1, total: 9007199254740993n, lastAt: '2024-02-29T12:00:00.000Z' });
    const row = await dataSource.getRepository(Tally).findOneByOrFail({ projectionVersion: 0, key: 'big' });
    expect(row).toEqual({ projectionVersion: 0, key: 'big', events: 1, total: 9007199254740993n, lastAt: '2024-02-29T12:00:00.000Z' });
    expect(await dataSource.query(`SELECT total FROM test_tally WHERE key = 'big'`)).toEqual([{ total: '9007199254740993' }]);
  });

  it('passes long text and JSON parameters whole, as short ones, and keeps array elements as text', async () => {
    // Long ones go to PGlite as bytes in the binary format (see embedded-pg-driver.ts); the
    // threshold is 16 KiB, so both sides of it are checked, with characters of 1 to 4 UTF-8 bytes.
    const text = (n: number) => `"quoted" \\ back é € 🦄 ${'x'.repeat(n)}`;
    const doc = (n: number) => ({ note: text(n), list: [1, 'two', { three: null }] });
    for (const n of [10, 20_000, 300_000]) {
      const [row] = (await dataSource.query(
        `SELECT $1::text AS t, $2::varchar AS v, $3::json AS j, $4::jsonb AS b, $5::jsonb[] AS bs, $6::text[] AS ts`,
        [text(n), text(n), JSON.stringify(doc(n)), JSON.stringify(doc(n)), [JSON.stringify(doc(n))], [text(n), text(2)]],
      )) as { t: string; v: string; j: unknown; b: unknown; bs: unknown[]; ts: string[] }[];
      expect(row).toEqual({ t: text(n), v: text(n), j: doc(n), b: doc(n), bs: [doc(n)], ts: [text(n), text(2)] });
    }
  });

  it('leaves the database open when the data source is destroyed: the event store still works', async () => {
    const other = await openEmbeddedReadStore(db, TALLY_READ_MODELS);
    await other.destroy();
    await append();
    expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
