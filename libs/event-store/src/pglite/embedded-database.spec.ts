import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventIdFor } from '../event-id';
import { EmbeddedDatabase, EmbeddedDatabaseClosedError, EmbeddedDatabaseReentryError } from './embedded-database';
import { createEmbeddedEventStore } from './embedded-event-store';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// On disk, as the engine runs it by default (and one PGlite start less than a separate suite).
describe('EmbeddedDatabase', () => {
  let dir: string;
  let dataDir: string;
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'le-embedded-'));
    dataDir = join(dir, 'data', 'pglite'); // a parent that does not exist yet, like ./data on a first start
    db = await EmbeddedDatabase.open(dataDir);
    await db.query('CREATE TABLE numbers (n int)');
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => db.query('TRUNCATE numbers'));

  it("keeps another caller's statement out of a transaction begun as a plain query", async () => {
    const rolledBack = db.runExclusive(async (pglite) => {
      await pglite.query('BEGIN');
      await pglite.query('INSERT INTO numbers VALUES (1)');
      for (let i = 0; i < 5; i++) await turn(); // the other caller has every chance to cut in
      await pglite.query('ROLLBACK');
    });
    const kept = db.query('INSERT INTO numbers VALUES (2)');
    await Promise.all([rolledBack, kept]);
    expect((await db.query<{ n: number }>('SELECT n FROM numbers')).rows).toEqual([{ n: 2 }]);
  });

  it('runs callers one at a time, in the order they called', async () => {
    const trace: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        db.runExclusive(async (pglite) => {
          trace.push(`${name}:start`);
          await pglite.query('SELECT 1');
          await turn();
          trace.push(`${name}:end`);
        }),
      ),
    );
    expect(trace).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('refuses re-entry instead of waiting for itself forever', async () => {
    await expect(db.runExclusive(() => db.query('SELECT 1'))).rejects.toBeInstanceOf(EmbeddedDatabaseReentryError);
  });

  it('lets work started from a callback but run after it take its own turn', async () => {
    const detached = await db.runExclusive(async () => ({
      later: new Promise((resolve, reject) => setTimeout(() => db.query('INSERT INTO numbers VALUES (3)').then(resolve, reject), 0)),
    }));
    await detached.later;
    expect((await db.query('SELECT n FROM numbers')).rows).toEqual([{ n: 3 }]);
  });

  it('a failing caller does not hold up the next one', async () => {
    const failing = db.runExclusive(async (pglite) => {
      await pglite.query('SELECT * FROM no_such_table');
    });
    const next = db.query('SELECT 1 AS one');
    await expect(failing).rejects.toThrow(/no_such_table/);
    expect((await next).rows).toEqual([{ one: 1 }]);
  });

  it('keeps the event log in its data directory across a restart; close finishes queued work, then refuses more', async () => {
    const store = await createEmbeddedEventStore(db);
    const appended = store.appendToStream('customer-1', [{ id: eventIdFor('customer-1', 'order-1'), type: 'PurchaseRecorded', data: { amount: 1250 } }], {
      expectedRevision: 'no-stream',
    });
    await store.close();
    const first = db;
    await first.close();
    await expect(appended).resolves.toMatchObject({ written: 1 });
    await expect(first.query('SELECT 1')).rejects.toBeInstanceOf(EmbeddedDatabaseClosedError);

    db = await EmbeddedDatabase.open(dataDir);
    const reopened = await createEmbeddedEventStore(db);
    expect((await reopened.readStream('customer-1')).map((e) => e.data)).toEqual([{ amount: 1250 }]);
    await expect(reopened.appendToStream('customer-1', [], { expectedRevision: 0n })).resolves.toMatchObject({ nextExpectedRevision: 0n });
  });
});
