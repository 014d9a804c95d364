import type { DataSource } from 'typeorm';
import type { EventStore, LogPosition, RecordedEvent, SubscribeOptions } from '@lifecycle/event-store';
import { readLogPages } from '@lifecycle/event-store';
import { ActiveVersionError, ProjectionVersionNotReadyError, readCheckpoints } from '../projections/projection-checkpoints.sql';
import { ProjectionFailedError, ProjectionRunner, type ProjectionRunnerOptions } from '../projections/projection-runner';
import { appendTallies, dumpTally, eagerTallyProjection, newNamespace, nextVersion, tallyProjection } from './tally.read-model';

export interface RunnerFixture {
  readonly eventStore: EventStore;
  /** Opened with TALLY_READ_MODELS. */
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * The projection runner's behaviour, as a function of a fixture factory: the PGlite spec and the
 * Postgres int-spec run the same tests. One fixture per suite; the tests share its log and tally
 * table, each in a namespace (event type, key prefix) and with versions of its own.
 */
export function projectionRunnerContract(open: () => Promise<RunnerFixture>): void {
  let fixture: RunnerFixture;
  const runners: ProjectionRunner[] = [];

  beforeAll(async () => {
    fixture = await open();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const runner = (options: Omit<ProjectionRunnerOptions, 'dataSource' | 'eventStore'>): ProjectionRunner => {
    const created = new ProjectionRunner({ dataSource: fixture.dataSource, eventStore: fixture.eventStore, ...options });
    runners.push(created);
    return created;
  };

  const rows = async (namespace: string, version: number): Promise<Record<string, { events: number; total: string }>> => {
    const found = (await fixture.dataSource.query(
      `SELECT key, events, total::text AS total FROM test_tally WHERE projection_version = $1 AND key LIKE $2 ORDER BY key`,
      [version, `${namespace}:%`],
    )) as { key: string; events: number; total: string }[];
    return Object.fromEntries(found.map((r) => [r.key.slice(namespace.length + 1), { events: r.events, total: r.total }]));
  };

  /** The total of a key as a query would read it: from whichever version is active. */
  const servedTotal = async (name: string, key: string): Promise<string | undefined> => {
    const found = (await fixture.dataSource.query(
      `SELECT t.total::text AS total FROM test_tally t
       JOIN projection_checkpoints c ON c.projection = $1 AND c.active AND c.version = t.projection_version
       WHERE t.key = $2`,
      [name, key],
    )) as { total: string }[];
    return found[0]?.total;
  };

  const checkpointOf = async (name: string, version: number) =>
    (await readCheckpoints(fixture.dataSource.manager, name)).find((c) => c.version === version)!;

  const logEvents = async (namespace?: string): Promise<RecordedEvent[]> => {
    const all: RecordedEvent[] = [];
    for await (const page of readLogPages(fixture.eventStore, { pageSize: 1000 })) all.push(...page);
    return namespace === undefined ? all : all.filter((e) => e.type === namespace);
  };

  describe('events in, rows out', () => {
    it('folds each key into one row, counting every event once', async () => {
      const ns = newNamespace();
      const v = nextVersion();
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 10 }, { key: 'b', amount: 5 }, { key: 'a', amount: 7 }]);
      const r = runner({ projections: [tallyProjection({ name: ns, version: v, namespace: ns })], batchSize: 2 });
      await r.start();
      await r.catchUp();

      expect(await rows(ns, v)).toEqual({ a: { events: 2, total: '17' }, b: { events: 1, total: '5' } });
      const head = await fixture.eventStore.headPosition();
      expect((await checkpointOf(ns, v)).checkpoint).toEqual(head);
    });

    it('applies events appended while it runs (the live tail)', async () => {
      const ns = newNamespace();
      const v = nextVersion();
      const r = runner({ projections: [tallyProjection({ name: ns, version: v, namespace: ns })] });
      await r.start();
      await r.whenCaughtUp(ns);
      await appendTallies(fixture.eventStore, ns, [{ key: 'late', amount: 3 }]);
      await r.catchUp(ns);
      expect(await rows(ns, v)).toEqual({ late: { events: 1, total: '3' } });
    });
  });

  describe('checkpoints', () => {
    it('resumes after a stop without counting an event twice', async () => {
      const ns = newNamespace();
      const v = nextVersion();
      const definition = tallyProjection({ name: ns, version: v, namespace: ns });
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 1 }, { key: 'a', amount: 2 }]);
      const first = runner({ projections: [definition], batchSize: 1 });
      await first.start();
      await first.catchUp();
      await first.stop();
      expect((await first.status())[0]!.state).toBe('stopped');

      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 4 }]);
      const second = runner({ projections: [definition], batchSize: 1 });
      await second.start();
      await second.catchUp();
      expect(await rows(ns, v)).toEqual({ a: { events: 3, total: '7' } });

      await second.stop();
      const third = runner({ projections: [definition] });
      await third.start();
      await third.catchUp();
      expect(await rows(ns, v)).toEqual({ a: { events: 3, total: '7' } });
    });

    it('reads only the event types it handles from the store, and its checkpoint still passes the others', async () => {
      const ns = newNamespace();
      const other = newNamespace();
      const v = nextVersion();
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 2 }]);
      await appendTallies(fixture.eventStore, other, [{ key: 'a', amount: 100 }, { key: 'b', amount: 100 }, { key: 'c', amount: 100 }]);
      const asked: (readonly string[] | undefined)[] = [];
      const delivered: string[] = [];
      const store = fixture.eventStore;
      const watched: EventStore = Object.assign(Object.create(store) as EventStore, {
        subscribeToAll: (options: SubscribeOptions) => {
          asked.push(options.eventTypes);
          return store.subscribeToAll({ ...options, onBatch: (batch, progress) => (delivered.push(...batch.map((e) => e.type)), options.onBatch(batch, progress)) });
        },
      });
      const r = new ProjectionRunner({ dataSource: fixture.dataSource, eventStore: watched, projections: [tallyProjection({ name: ns, version: v, namespace: ns })], batchSize: 2 });
      runners.push(r);
      await r.start();
      await r.catchUp();
      expect(asked).toEqual([[ns]]);
      expect(new Set(delivered)).toEqual(new Set([ns]));
      expect(await rows(ns, v)).toEqual({ a: { events: 1, total: '2' } });
      const head = await fixture.eventStore.headPosition();
      expect((await checkpointOf(ns, v)).checkpoint).toEqual(head);
      expect((await r.status())[0]).toMatchObject({ eventsBehind: 0, eventsProcessed: (await logEvents()).length });
    });

    it('commits a batch with its checkpoint: a failure inside a batch leaves neither its rows nor its position', async () => {
      const ns = newNamespace();
      const eager = `${ns}-eager`;
      const healthy = `${ns}-healthy`;
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 1 }, { key: 'b', amount: 1 }, { key: 'c', amount: 1 }]);
      await appendTallies(fixture.eventStore, ns, [{ key: 'd', amount: 1 }, { key: 'e', amount: 1, failFor: [eager] }, { key: 'f', amount: 1 }]);
      // Batches of exactly "everything before d": the first ends with c, the second holds d and e, so
      // the eager projection writes d's row and then fails on e within one batch.
      const log = await logEvents();
      const ours = log.filter((e) => e.type === ns);
      const d = ours[3]!;
      const e = ours[4]!;
      const batchSize = log.indexOf(d);
      expect(batchSize).toBeGreaterThanOrEqual(3);
      const vEager = nextVersion();
      const vHealthy = nextVersion();
      const r = runner({
        projections: [eagerTallyProjection({ name: eager, version: vEager, namespace: ns }), tallyProjection({ name: healthy, version: vHealthy, namespace: ns })],
        batchSize,
      });
      await r.start();

      await expect(r.catchUp(eager)).rejects.toThrow(ProjectionFailedError);
      expect(await rows(ns, vEager)).toEqual({ a: { events: 1, total: '1' }, b: { events: 1, total: '1' }, c: { events: 1, total: '1' } });
      const stuck = await checkpointOf(eager, vEager);
      expect(stuck.checkpoint).toEqual(ours[2]!.position);
      expect(stuck.status).toBe('failed');
      const text = (p: LogPosition) => ({ tx: p.tx.toString(), pos: p.pos.toString() });
      expect(stuck.lastError).toEqual({
        message: expect.stringContaining('told to fail'),
        code: 'PROJECTION.EVENT_FAILED',
        eventId: e.id,
        eventType: ns,
        position: text(e.position),
        batch: { after: text(ours[2]!.position), last: text(log[2 * batchSize - 1]?.position ?? log[log.length - 1]!.position) },
      });

      // The other projection, in the same subscription, goes on to the end of the log.
      await r.catchUp(healthy);
      expect(Object.keys(await rows(ns, vHealthy))).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);

      const status = Object.fromEntries((await r.status()).map((s) => [s.name, s]));
      expect(status[eager]).toMatchObject({ state: 'failed', lastError: { eventType: ns, eventId: e.id } });
      expect(status[eager]!.eventsBehind).toBe(log.length - batchSize);
      expect(status[healthy]).toMatchObject({ state: 'live', eventsBehind: 0, lastError: null });
      expect(status[healthy]!.eventsProcessed).toBe(log.length);
    });

    it('refuses to go on when someone else moved its checkpoint, rather than count twice', async () => {
      const ns = newNamespace();
      const v = nextVersion();
      const r = runner({ projections: [tallyProjection({ name: ns, version: v, namespace: ns })] });
      await r.start();
      await r.catchUp();
      // What a second projector on the same version would have done in the meantime.
      await fixture.dataSource.query(`UPDATE projection_checkpoints SET pos = pos + 1 WHERE projection = $1`, [ns]);
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 1 }]);

      await expect(r.catchUp(ns)).rejects.toThrow(ProjectionFailedError);
      expect((await r.status())[0]!.lastError).toMatchObject({ code: 'PROJECTION.CHECKPOINT_MOVED' });
      expect(await rows(ns, v)).toEqual({});
    });
  });

  describe('versions side by side', () => {
    it('builds the same read model twice from the same log, byte for byte', async () => {
      const ns = newNamespace();
      await appendTallies(
        fixture.eventStore,
        ns,
        Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 7}`, amount: i * 3 })),
      );
      const [v1, v2] = [nextVersion(), nextVersion()];
      const r = runner({
        projections: [tallyProjection({ name: ns, version: v1, namespace: ns }), tallyProjection({ name: ns, version: v2, namespace: ns })],
        switchWhenCaughtUp: false,
        batchSize: 9,
      });
      await r.start();
      await r.catchUp();
      const first = await dumpTally(fixture.dataSource, ns, v1);
      expect(first.split('\n')).toHaveLength(7);
      expect(await dumpTally(fixture.dataSource, ns, v2)).toBe(first);

      // A rebuild starts a version (not the served one) over from the start of the log, and ends
      // where it was.
      expect(await r.activeVersion(ns)).toBe(v2);
      await r.rebuild(ns, v1);
      expect(await dumpTally(fixture.dataSource, ns, v1)).toBe('');
      await r.whenCaughtUp(ns, v1);
      await r.catchUp();
      expect(await dumpTally(fixture.dataSource, ns, v1)).toBe(first);
    });

    it('serves the old version while a new one is built, then switches in one transaction', async () => {
      const ns = newNamespace();
      const key = `${ns}:a`;
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 2 }, { key: 'a', amount: 3 }]);
      const [v1, v2] = [nextVersion(), nextVersion()];
      const old = tallyProjection({ name: ns, version: v1, namespace: ns });
      const first = runner({ projections: [old] });
      await first.start();
      await first.catchUp();
      expect(await first.activeVersion(ns)).toBe(v1);
      await first.stop();

      // The new rule counts ten times the amount; it is built beside v1 and waits to be switched to.
      const both = runner({ projections: [old, tallyProjection({ name: ns, version: v2, namespace: ns, factor: 10 })], switchWhenCaughtUp: false });
      await both.start();
      await both.catchUp();
      expect(await rows(ns, v2)).toEqual({ a: { events: 2, total: '50' } });
      expect(await both.activeVersion(ns)).toBe(v1);
      expect(await servedTotal(ns, key)).toBe('5');
      await expect(both.rebuild(ns, v1)).rejects.toThrow(ActiveVersionError);
      // Refused, and still running: v1 goes on applying.
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 1 }]);
      await both.catchUp();
      expect(await servedTotal(ns, key)).toBe('6');
      expect(await rows(ns, v2)).toEqual({ a: { events: 3, total: '60' } });

      await both.switchTo(ns, v2);
      expect(await both.activeVersion(ns)).toBe(v2);
      expect(await servedTotal(ns, key)).toBe('60');
      // The old version is still whole, for comparison or to switch back.
      expect(await rows(ns, v1)).toEqual({ a: { events: 3, total: '6' } });
      await both.switchTo(ns, v1);
      expect(await servedTotal(ns, key)).toBe('6');
    });

    it('refuses to switch to a version that has failed, and the served one keeps answering', async () => {
      const ns = newNamespace();
      const key = `${ns}:a`;
      const [v1, v2] = [nextVersion(), nextVersion()];
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 2 }]);
      const first = runner({ projections: [tallyProjection({ name: ns, version: v1, namespace: ns })] });
      await first.start();
      await first.catchUp();
      await first.stop();

      // The next event breaks the projection (v1 would fail on it too, but v1 is no longer running).
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 4, failFor: [ns] }]);
      // Not switching by itself: on Postgres another suite's open transaction can hold the gap-safe
      // read back, so v2 may catch up with the first event alone before it meets the second.
      const second = runner({ projections: [tallyProjection({ name: ns, version: v2, namespace: ns })], switchWhenCaughtUp: false });
      await second.start();
      await expect(second.catchUp()).rejects.toThrow(ProjectionFailedError);

      await expect(second.switchTo(ns, v2)).rejects.toThrow(ProjectionVersionNotReadyError);
      expect(await second.activeVersion(ns)).toBe(v1);
      expect(await servedTotal(ns, key)).toBe('2');
    });

    it('switches by itself to the newest version once it has caught up, unless told to wait', async () => {
      const ns = newNamespace();
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 1 }]);
      const [v1, v2] = [nextVersion(), nextVersion()];
      const first = runner({ projections: [tallyProjection({ name: ns, version: v1, namespace: ns })] });
      await first.start();
      await first.catchUp();
      await first.stop();

      const second = runner({ projections: [tallyProjection({ name: ns, version: v2, namespace: ns, factor: 2 })] });
      await second.start();
      await second.whenCaughtUp(ns, v2);
      expect(await second.activeVersion(ns)).toBe(v2);
      expect(await servedTotal(ns, `${ns}:a`)).toBe('2');
    });

    it('drops a version that is no longer served', async () => {
      const ns = newNamespace();
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 1 }]);
      const [v1, v2] = [nextVersion(), nextVersion()];
      const old = tallyProjection({ name: ns, version: v1, namespace: ns });
      const r = runner({ projections: [tallyProjection({ name: ns, version: v2, namespace: ns })] });
      const seed = runner({ projections: [old] });
      await seed.start();
      await seed.catchUp();
      await seed.stop();
      await r.start();
      await r.whenCaughtUp(ns);
      await expect(r.dropVersion(tallyProjection({ name: ns, version: v2, namespace: ns }))).rejects.toThrow();

      await r.dropVersion(old);
      expect(await rows(ns, v1)).toEqual({});
      expect((await readCheckpoints(fixture.dataSource.manager, ns)).map((c) => c.version)).toEqual([v2]);
    });
  });

  describe('status', () => {
    it('reports each version: active, state, checkpoint, lag, throughput', async () => {
      const ns = newNamespace();
      const v = nextVersion();
      await appendTallies(fixture.eventStore, ns, [{ key: 'a', amount: 1 }]);
      // Throughput is measured on this clock: every batch is applied at 1 s, the status read at 1 s.
      let now = 0;
      const r = runner({ projections: [tallyProjection({ name: ns, version: v, namespace: ns })], clock: () => now });
      const before = await r.status();
      expect(before[0]).toMatchObject({ name: ns, version: v, state: 'idle', eventsProcessed: 0 });
      expect(before[0]!.eventsBehind).toBeGreaterThan(0);

      now = 1000;
      await r.start();
      await r.whenCaughtUp(ns);
      await r.catchUp();
      const [after] = await r.status();
      expect(after).toMatchObject({ name: ns, version: v, active: true, state: 'live', eventsBehind: 0, lastError: null });
      const head = await fixture.eventStore.headPosition();
      expect(after!.checkpoint).toEqual({ tx: head.tx.toString(), pos: head.pos.toString() });
      expect(JSON.parse(JSON.stringify(after))).toEqual(after);
      const all = (await logEvents()).length;
      expect(after!.eventsProcessed).toBe(all);
      expect(after!.eventsPerSecond).toBe(all);
    });
  });
}
