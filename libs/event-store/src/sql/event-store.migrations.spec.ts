import { eventIdFor } from '../event-id';
import { EmbeddedDatabase } from '../pglite/embedded-database';
import { createEmbeddedEventStore } from '../pglite/embedded-event-store';
import { MIGRATIONS_TABLE } from './event-store-tables';
import { V1_STATEMENTS } from './migrations/v1-streams-events-append.sql';

const event = (stream: string, key: string) => ({ id: eventIdFor(stream, key), type: 'Tested', data: { key } });

describe('event store migrations', () => {
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    db = await EmbeddedDatabase.open();
  });
  afterAll(() => db.close());

  it('brings a v1 database with streams in it to v2: revisions go on from the stored events, and the streams table is gone', async () => {
    // A database as v1 left it, written through v1's own function.
    await db.query(`CREATE TABLE ${MIGRATIONS_TABLE} (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const statement of V1_STATEMENTS) await db.query(statement);
    await db.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES (1, 'v1')`);
    const [a, b] = [event('s-1', 'a'), event('s-1', 'b')];
    await db.query(`SELECT * FROM event_store_append_to_stream('s-1', -1, $1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[])`, [
      [a.id, b.id], ['Tested', 'Tested'], [JSON.stringify(a.data), JSON.stringify(b.data)], ['{}', '{}'],
    ]);

    const store = await createEmbeddedEventStore(db);
    const versions = await db.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`);
    expect(versions.rows.map((r) => r.version)).toEqual([1, 2]);
    expect((await db.query(`SELECT to_regclass('streams') AS t`)).rows).toEqual([{ t: null }]);

    await expect(store.appendToStream('s-1', [event('s-1', 'c')], { expectedRevision: 0n })).rejects.toMatchObject({ actual: 1n });
    await expect(store.appendToStream('s-1', [event('s-1', 'c')], { expectedRevision: 1n })).resolves.toMatchObject({ nextExpectedRevision: 2n });
    await expect(store.appendToStream('s-1', [a], { expectedRevision: 'any' })).resolves.toMatchObject({ written: 0 });
    expect((await store.readStream('s-1')).map((e) => [e.revision, (e.data as { key: string }).key])).toEqual([[0n, 'a'], [1n, 'b'], [2n, 'c']]);
    await store.close();
  });
});
