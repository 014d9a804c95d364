import {
  CLOCK_STREAM_ID, type CustomerCommand, type CustomerState, type CustomerStreamEvent, decide, DomainError, dueCommands, evolve, initialState,
  pointsView, tierView, toCustomerStreamId, upstreamKeyOf,
} from '@lifecycle/domain';
import { eventIdFor, type EventStore } from '@lifecycle/event-store';
import { type ProjectionDefinition, ProjectionRunner } from '@lifecycle/read-store';
import type { DataSource } from 'typeorm';
import { batchesFoldedOnThread, setFoldThreadMode, stopFoldThread } from '../fold-thread/fold-thread';
import { dumpVersion } from '../testing/rebuild-bench';
import { tierOf } from '../tier/tier.query';
import { createTierProjection, defaultTierDefinition, tierReadModel } from '../tier/tier.read-model';
import { pointsOf } from './points.query';
import { createPointsProjection, defaultPointsDefinition, pointsReadModel } from './points.read-model';

export interface LoyaltyRebuildFixture {
  readonly eventStore: EventStore;
  /** Opened with `LOYALTY_READ_MODELS`. */
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

export const LOYALTY_READ_MODELS = {
  entities: [...pointsReadModel.entities, ...tierReadModel.entities],
  migrations: [...pointsReadModel.migrations, ...tierReadModel.migrations],
};

/**
 * Same log, same rows: the points and tier read models built twice, once in batches of 1,000 events
 * and once in batches of 7 (so ticks, due customers and facts fall in other batches), must be equal
 * byte for byte. The log is decided by the real decider: 200 customers over two years (a fact a day): purchases,
 * refunds, redemptions and a ClockTicked on the 1st of every month running the engine's tick.
 */
const RULES = defaultPointsDefinition.rules;

function decidedLog(): { log: { streamId: string; type: string; data: object; key: string }[]; states: Map<string, CustomerState> } {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const ids = Array.from({ length: 200 }, (_, i) => `rb-${String(i).padStart(3, '0')}`);
  const states = new Map<string, CustomerState>(ids.map((id) => [id, initialState()]));
  const log: { streamId: string; type: string; data: object; key: string }[] = [];
  const run = (id: string, command: CustomerCommand, now: string) => {
    try {
      const decided = decide(command, states.get(id)!, { now, rules: RULES });
      states.set(id, decided.reduce(evolve, states.get(id)!));
      for (const e of decided) log.push({ streamId: toCustomerStreamId(id), type: e.type, data: e.data, key: upstreamKeyOf(e as CustomerStreamEvent) });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  };
  for (let day = 0; day < 730; day++) {
    const at = new Date(Date.UTC(2023, 0, 1) + day * 86_400_000 + 43_200_000).toISOString();
    if (at.slice(8, 10) === '01') {
      log.push({ streamId: CLOCK_STREAM_ID, type: 'ClockTicked', data: { at }, key: `tick:${at}` });
      for (const id of ids) for (const c of dueCommands(states.get(id)!, at, RULES)) if (c.type !== 'SettleReferral') run(id, c, at);
    }
    for (let k = 0; k < 1; k++) {
      const id = ids[Math.floor(random() * ids.length)]!;
      const n = log.length;
      const roll = random();
      if (roll < 0.7) run(id, { type: 'RecordPurchase', data: { customerId: id, orderId: `o-${n}`, amount: Math.floor(random() * 90_000), currency: 'EUR', occurredAt: at } }, at);
      else if (roll < 0.85) {
        const orders = [...states.get(id)!.orders.values()];
        const order = orders[Math.floor(random() * orders.length)];
        if (order) run(id, { type: 'RefundPurchase', data: { customerId: id, refundId: `r-${n}`, orderId: order.orderId, amount: 1 + Math.floor(random() * order.amount), occurredAt: at } }, at);
      } else run(id, { type: 'RedeemPoints', data: { customerId: id, redemptionId: `rd-${n}`, rewardId: 'gift', points: 1 + Math.floor(random() * 400), occurredAt: at } }, at);
    }
  }
  return { log, states };
}

export function loyaltyRebuildContract(open: () => Promise<LoyaltyRebuildFixture>): void {
  let fixture: LoyaltyRebuildFixture;
  let ds: DataSource;
  let store: EventStore;
  let customers: number;
  let logSize: number;
  let states: Map<string, CustomerState>;

  beforeAll(async () => {
    fixture = await open();
    ({ dataSource: ds, eventStore: store } = fixture);
    const decided = decidedLog();
    const { log } = decided;
    states = decided.states;
    logSize = log.length;
    customers = new Set(log.filter((e) => e.streamId !== CLOCK_STREAM_ID).map((e) => e.streamId)).size;
    // Consecutive events of one stream go in one append; the order across streams is the decided one.
    for (let i = 0; i < log.length;) {
      let j = i;
      while (j < log.length && log[j]!.streamId === log[i]!.streamId) j++;
      await store.appendToStream(log[i]!.streamId, log.slice(i, j).map((e) => ({ id: eventIdFor(e.streamId, e.key), type: e.type, data: e.data })), { expectedRevision: 'any' });
      i = j;
    }
  });
  afterAll(async () => {
    await stopFoldThread();
    await fixture?.close();
  });

  const build = async (projections: ProjectionDefinition[], batchSize: number) => {
    const runner = new ProjectionRunner({ dataSource: ds, eventStore: store, projections, batchSize, switchWhenCaughtUp: false });
    await runner.start();
    for (const p of projections) await runner.whenCaughtUp(p.name, p.version);
    await runner.stop();
  };

  it('gives the same rows byte for byte whatever the batches, equal to what the log recorded', async () => {
    const v = (version: number) => [
      createPointsProjection({ ...defaultPointsDefinition, version }), createTierProjection({ ...defaultTierDefinition, version }),
    ];
    await build(v(1), 1000);
    await build(v(2), 7);
    // Version 3 is stopped halfway and resumed by another runner: the first half's replays are
    // remembered as folded, the second's loaded back from the rows. Both must fold alike.
    const halfway = new ProjectionRunner({ dataSource: ds, eventStore: store, projections: v(3), batchSize: 7, switchWhenCaughtUp: false });
    await halfway.start();
    while (Math.min(...(await halfway.status()).map((s) => s.eventsProcessed)) < logSize / 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await halfway.stop();
    expect(Math.max(...(await halfway.status()).map((s) => s.eventsProcessed))).toBeLessThan(logSize);
    await build(v(3), 7);
    for (const table of ['points', 'tier']) {
      const [one, two, three] = [1, 2, 3].map((version) => dumpVersion(ds, table, 'customer_id', version));
      expect((await one).rows).toBe(customers);
      expect((await two).text).toBe((await one).text);
      expect((await three).text).toBe((await one).text);
    }
    // The ticks reviewed tiers: some customers changed tier more than once.
    const [reviewed] = (await ds.query(`SELECT count(*)::int AS n FROM tier WHERE projection_version = 1 AND jsonb_array_length(history) > 1`)) as { n: number }[];
    expect(reviewed!.n).toBeGreaterThan(0);
    // Version 1 carries the live rules: every customer's points and tier equal the recorded ones.
    const at = '2025-01-15T00:00:00.000Z';
    for (const [id, state] of [...states].filter(([, s]) => s.registration !== 'none')) {
      expect(await pointsOf(ds, id, at, 1)).toMatchObject(pointsView(state, at, RULES));
      expect(await tierOf(ds, id, at, 1)).toMatchObject(tierView(state, at, RULES));
    }
  });

  it('gives the same rows when the fold runs on its own thread, and when that thread ends halfway', async () => {
    const v = (version: number) => [
      createPointsProjection({ ...defaultPointsDefinition, version }), createTierProjection({ ...defaultTierDefinition, version }),
    ];
    const mode = setFoldThreadMode('on');
    try {
      await build(v(1), 1000);
      // Small batches, so that the first ones fold here while the thread starts, and the rest there.
      const before = batchesFoldedOnThread();
      await build(v(4), 7);
      expect(batchesFoldedOnThread()).toBeGreaterThan(before);
      // The thread ends while version 5 builds: the fold goes on here, reading the replays it needs back.
      const runner = new ProjectionRunner({ dataSource: ds, eventStore: store, projections: v(5), batchSize: 7, switchWhenCaughtUp: false });
      const folded = batchesFoldedOnThread();
      await runner.start();
      while (batchesFoldedOnThread() < folded + 20) await new Promise((resolve) => setTimeout(resolve, 5));
      await stopFoldThread();
      expect(Math.max(...(await runner.status()).map((s) => s.eventsProcessed))).toBeLessThan(logSize);
      for (const p of v(5)) await runner.whenCaughtUp(p.name, p.version);
      await runner.stop();
      expect((await runner.status()).map((s) => s.lastError)).toEqual([null, null]);
    } finally {
      setFoldThreadMode(mode);
    }
    for (const table of ['points', 'tier']) {
      const [one, four, five] = [1, 4, 5].map((version) => dumpVersion(ds, table, 'customer_id', version));
      expect((await one).rows).toBe(customers);
      expect((await four).text).toBe((await one).text);
      expect((await five).text).toBe((await one).text);
    }
  });
}
