import type { DataSource } from 'typeorm';
import { createEmbeddedEventStore, EmbeddedDatabase, type EventStore } from '@lifecycle/event-store';
import { openEmbeddedReadStore } from '../data-source/read-store-data-source';
import { appendTallies, dumpTally, eagerTallyProjection, newNamespace, nextVersion, TALLY_READ_MODELS, tallyProjection } from '../testing/tally.read-model';
import { ProjectionFailedError, ProjectionRunner } from './projection-runner';

/**
 * What a projection remembers between batches (ProjectionMemory) must never hold what the tables do
 * not: after a transaction that did not commit it is dropped, and a version that resumes reads its
 * rows from the tables.
 */
describe('projection memory (PGlite)', () => {
  let db: EmbeddedDatabase;
  let eventStore: EventStore;
  let dataSource: DataSource;
  const runners: ProjectionRunner[] = [];

  beforeEach(async () => {
    db = await EmbeddedDatabase.open();
    eventStore = await createEmbeddedEventStore(db);
    dataSource = await openEmbeddedReadStore(db, TALLY_READ_MODELS);
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    await dataSource.destroy();
    await eventStore.close();
    await db.close();
  });

  const runner = (...args: ConstructorParameters<typeof ProjectionRunner>) => {
    const created = new ProjectionRunner(...args);
    runners.push(created);
    return created;
  };
  const rows = async (ns: string, version: number) =>
    Object.fromEntries(((await dataSource.query(`SELECT key, events, total::text AS total FROM test_tally WHERE projection_version = $1 ORDER BY key`, [version])) as {
      key: string; events: number; total: string;
    }[]).map((r) => [r.key.slice(ns.length + 1), `${r.events}/${r.total}`]));

  it('a version whose shared transaction was rolled back (another version failed in it) counts the batch once', async () => {
    const ns = newNamespace();
    const [healthy, eager] = [`${ns}-healthy`, `${ns}-eager`];
    await appendTallies(eventStore, ns, [{ key: 'a', amount: 1 }, { key: 'b', amount: 1 }]);
    await appendTallies(eventStore, ns, [{ key: 'a', amount: 2 }, { key: 'c', amount: 1, failFor: [eager] }]);
    const [vHealthy, vEager] = [nextVersion(), nextVersion()];
    // The healthy one first: it folds the second batch into its memory before the eager one fails.
    const r = runner({
      dataSource, eventStore, batchSize: 2, switchWhenCaughtUp: false,
      projections: [tallyProjection({ name: healthy, version: vHealthy, namespace: ns }), eagerTallyProjection({ name: eager, version: vEager, namespace: ns })],
    });
    await r.start();
    await expect(r.catchUp(eager)).rejects.toThrow(ProjectionFailedError);
    await r.catchUp(healthy);
    expect(await rows(ns, vHealthy)).toEqual({ a: '2/3', b: '1/1', c: '1/1' });

    await appendTallies(eventStore, ns, [{ key: 'a', amount: 4 }]);
    await r.catchUp(healthy);
    expect(await rows(ns, vHealthy)).toEqual({ a: '3/7', b: '1/1', c: '1/1' });
  });

  it('a version resumed by another runner reads its rows from the tables and ends where a build in one go ends', async () => {
    const ns = newNamespace();
    await appendTallies(eventStore, ns, Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 4}`, amount: i })));
    const [resumed, oneGo] = [nextVersion(), nextVersion()];
    const first = runner({ dataSource, eventStore, batchSize: 7, switchWhenCaughtUp: false, projections: [tallyProjection({ name: ns, version: resumed, namespace: ns })] });
    await first.start();
    await first.catchUp();
    await first.stop();
    await appendTallies(eventStore, ns, Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 5}`, amount: 100 + i })));

    const second = runner({
      dataSource, eventStore, batchSize: 7, switchWhenCaughtUp: false,
      projections: [tallyProjection({ name: ns, version: resumed, namespace: ns }), tallyProjection({ name: `${ns}-whole`, version: oneGo, namespace: ns })],
    });
    await second.start();
    await second.catchUp();
    expect(await dumpTally(dataSource, ns, resumed)).toBe(await dumpTally(dataSource, ns, oneGo));
    expect((await rows(ns, resumed)).k0).toBe(`${8 + 6}/${[0, 4, 8, 12, 16, 20, 24, 28].reduce((a, b) => a + b) + [0, 5, 10, 15, 20, 25].reduce((a, b) => a + 100 + b, 0)}`);
  });
});
