import { CLOCK_STREAM_ID, type ClockTicked, type CustomerEvent, DEFAULT_LIFECYCLE_THRESHOLDS as T, toCustomerStreamId, upstreamKeyOf } from '@lifecycle/domain';
import { createEmbeddedEventStore, EmbeddedDatabase, eventIdFor, type EventStore } from '@lifecycle/event-store';
import { InvalidDefinitionError, openEmbeddedReadStore, ProjectionRunner } from '@lifecycle/read-store';
import { lifecycleFamily } from './lifecycle.family';
import { lifecycleDiff, lifecycleDistribution, lifecycleOf } from './lifecycle.query';
import { lifecycleProjection, lifecycleReadModel } from './lifecycle.read-model';
import { dumpLifecycleVersion } from './testing/lifecycle-dump';

const day = (n: number, from = '2024-01-01T00:00:00.000Z') => new Date(Date.parse(from) + n * 86_400_000).toISOString();
const tick = (at: string): ClockTicked => ({ type: 'ClockTicked', data: { at } });
const bought = (customerId: string, n: number, orderId = `o-${n}`): CustomerEvent => ({
  type: 'PurchaseRecorded', data: { customerId, orderId, amount: 1000, currency: 'EUR', occurredAt: day(n) },
});
const registered = (customerId: string, n: number): CustomerEvent => ({
  type: 'CustomerRegistered', data: { customerId, registeredAt: day(n), channel: 'web', implicit: false },
});
const interacted = (customerId: string, n: number, kind: 'complaint' | 'email_open' | 'survey', extra: object = {}): CustomerEvent => ({
  type: 'InteractionRecorded', data: { customerId, interactionId: `i-${kind}-${n}`, kind, occurredAt: day(n), ...extra },
});

/** One PGlite with the event store and the read store; events appended one by one, in the order given. */
async function openLog() {
  const db = await EmbeddedDatabase.open();
  const eventStore = await createEmbeddedEventStore(db);
  const ds = await openEmbeddedReadStore(db, lifecycleReadModel);
  const runners: ProjectionRunner[] = [];
  return {
    ds,
    eventStore,
    async append(...events: readonly (CustomerEvent | ClockTicked)[]) {
      for (const e of events) await appendOne(eventStore, e);
    },
    async build(version: number, batchSize: number, thresholds = T) {
      const runner = new ProjectionRunner({ dataSource: ds, eventStore, projections: [lifecycleProjection(version, thresholds)], batchSize, switchWhenCaughtUp: false });
      runners.push(runner);
      await runner.start();
      await runner.catchUp();
      return runner;
    },
    async close() {
      for (const r of runners) await r.stop();
      await ds.destroy();
      await eventStore.close();
      await db.close();
    },
  };
}

async function appendOne(store: EventStore, e: CustomerEvent | ClockTicked) {
  const streamId = e.type === 'ClockTicked' ? CLOCK_STREAM_ID : toCustomerStreamId(e.data.customerId);
  const key = e.type === 'ClockTicked' ? `tick:${e.data.at}` : upstreamKeyOf(e);
  await store.appendToStream(streamId, [{ id: eventIdFor(streamId, key), type: e.type, data: e.data }], { expectedRevision: 'any' });
}

describe('lifecycle read model (PGlite)', () => {
  // One database per group: the log clock is global, so groups must not share a log.
  let log: Awaited<ReturnType<typeof openLog>>;
  const fresh = async () => {
    await log?.close();
    log = await openLog();
  };
  afterAll(async () => {
    await log?.close();
  });

  describe('given a purchase, when only the clock ticks', () => {
    it('the customer goes active, dormant and lost at the exact due moments, with no event of its own', async () => {
      await fresh();
      await log.append(registered('c-a', 0), bought('c-a', 1), tick(day(100)), tick(day(500)));
      await log.build(1, 1000);
      const view = await lifecycleOf(log.ds, 'c-a');
      expect(view).toMatchObject({ asOf: day(500), stage: 'lost', since: day(366) });
      expect(view!.transitions).toEqual([
        { from: null, to: 'prospect', at: day(0), cause: 'registration' },
        { from: 'prospect', to: 'new', at: day(1), cause: 'purchase' },
        { from: 'new', to: 'active', at: day(31), cause: 'time' },
        { from: 'active', to: 'dormant', at: day(91), cause: 'time' },
        { from: 'dormant', to: 'lost', at: day(366), cause: 'time' },
      ]);
    });

    it('a tick that reaches only the dormant moment stops there; the next due moment waits in the index', async () => {
      await fresh();
      await log.append(bought('c-b', 0), tick(day(95)));
      await log.build(1, 1000);
      expect((await lifecycleOf(log.ds, 'c-b'))!.stage).toBe('dormant');
      const [row] = await log.ds.query(`SELECT next_due_at FROM lifecycle_state WHERE customer_id = 'c-b'`);
      expect(new Date(row.next_due_at).toISOString()).toBe(day(365));
    });

    it('another customer\'s purchase moves the log clock too', async () => {
      await fresh();
      await log.append(bought('c-c', 0), bought('c-d', 200));
      await log.build(1, 1000);
      expect((await lifecycleOf(log.ds, 'c-c'))!.transitions.map((t) => t.to)).toEqual(['new', 'active', 'dormant']);
    });
  });

  describe('as of an instant', () => {
    beforeAll(async () => {
      await fresh();
      await log.append(registered('c-a', 0), bought('c-a', 1), bought('c-a', 150), interacted('c-a', 160, 'complaint'), tick(day(200)));
      await log.build(1, 1000);
    });

    it('answers the stage then, from the transitions up to it', async () => {
      expect(await lifecycleOf(log.ds, 'c-a', day(120))).toMatchObject({ stage: 'dormant', since: day(91) });
      expect(await lifecycleOf(log.ds, 'c-a', '2023-06-01T00:00:00.000Z')).toMatchObject({ stage: null, transitions: [] });
    });

    it('past the log clock, adds what time alone will do by then', async () => {
      expect(await lifecycleOf(log.ds, 'c-a', day(300))).toMatchObject({ stage: 'dormant', since: day(240) });
    });

    it('computes the churn warning at that instant, with P(alive) when given', async () => {
      const w = await lifecycleOf(log.ds, 'c-a', day(170), () => 0.2);
      expect(w!.churnWarning.raised).toBe(true);
      expect(w!.churnWarning.signals.map((s) => s.code)).toEqual(['complaints', 'p_alive_low']);
      expect((await lifecycleOf(log.ds, 'c-a', day(155)))!.churnWarning).toEqual({ raised: false, signals: [] });
    });

    it('counts customers per stage and churn warnings', async () => {
      await log.append(registered('c-p', 190));
      await log.build(2, 1000);
      await log.ds.query(`UPDATE projection_checkpoints SET active = (version = 2) WHERE projection = 'lifecycle'`);
      expect(await lifecycleDistribution(log.ds, day(195))).toEqual({
        asOf: day(195), version: 2, stages: { prospect: 1, new: 0, active: 1, dormant: 0, lost: 0 }, churnWarnings: 1, customers: 2,
        churnWarningsByStage: { prospect: 0, new: 0, active: 1, dormant: 0, lost: 0 },
      });
    });

    it('is null for a customer the log does not know', async () => {
      expect(await lifecycleOf(log.ds, 'c-nobody')).toBeNull();
    });
  });

  describe('when a purchase arrives after the clock has passed its time', () => {
    it('the history is rewritten to the event-time order: the dormant spell it ended never happened', async () => {
      await fresh();
      await log.append(bought('c-a', 0), tick(day(200)), bought('c-a', 80, 'o-late'));
      await log.build(1, 1000);
      expect((await lifecycleOf(log.ds, 'c-a'))!.transitions).toEqual([
        { from: null, to: 'new', at: day(0), cause: 'purchase' },
        { from: 'new', to: 'active', at: day(30), cause: 'time' },
        { from: 'active', to: 'dormant', at: day(170), cause: 'time' },
      ]);
    });
  });

  describe('batch boundaries', () => {
    it('do not change the tables: batch size 1 and 1000 give identical rows', async () => {
      await fresh();
      await log.append(
        registered('c-a', 0), bought('c-b', 3), bought('c-a', 5), interacted('c-a', 20, 'email_open'), tick(day(40)), bought('c-c', 41),
        interacted('c-c', 60, 'survey', { satisfaction: 1, nps: 3 }), tick(day(130)), bought('c-b', 100, 'o-late'), bought('c-c', 150),
        { type: 'CustomerErased', data: { customerId: 'c-c', erasedAt: day(160) } }, tick(day(400)), bought('c-a', 410), tick(day(900)),
      );
      await log.build(1, 1);
      await log.build(2, 1000);
      await log.build(3, 3);
      const one = await dumpLifecycleVersion(log.ds, 1);
      expect(JSON.parse(one).transitions.length).toBeGreaterThan(10);
      expect(await dumpLifecycleVersion(log.ds, 2)).toBe(one);
      expect(await dumpLifecycleVersion(log.ds, 3)).toBe(one);
    });
  });

  describe('the family', () => {
    it('ships version 1 with the documented defaults', () => {
      const { projection, version, description: _, ...thresholds } = lifecycleFamily.defaultDefinition;
      expect({ projection, version }).toEqual({ projection: 'lifecycle', version: 1 });
      expect(thresholds).toEqual(T);
    });

    it('refuses a definition naming the field and the reason', () => {
      const bad = { ...lifecycleFamily.defaultDefinition, version: 2, dormantAfterDays: 500 };
      expect(() => lifecycleFamily.parseDefinition(bad)).toThrow(InvalidDefinitionError);
      expect(() => lifecycleFamily.parseDefinition(bad)).toThrow('dormantAfterDays: must be less than lostAfterDays');
    });

    it('diffs two versions built side by side: a stage matrix', async () => {
      await fresh();
      await log.append(bought('c-a', 0), bought('c-b', 0), bought('c-c', 100), tick(day(150)));
      await log.build(1, 1000);
      await log.build(2, 1000, { ...T, dormantAfterDays: 180 });
      const diff = await lifecycleDiff(log.ds, 1, 2);
      expect(diff.matrices).toEqual([{ dimension: 'stage', cells: [{ from: 'active', to: 'active', customers: 1 }, { from: 'dormant', to: 'active', customers: 2 }] }]);
    });
  });
});
