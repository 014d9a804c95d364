import { Client, Pool } from 'pg';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { eventIdFor } from '../event-id';
import { comparePositions, EventStore, LogPosition, ReadAllOptions, RecordedEvent, StreamAppend, Subscription } from '../event-store';
import { appendStatement } from '../sql/append-to-streams.sql';
import { EVENTS_TABLE } from '../sql/event-store-tables';
import { openOwnedPool } from './owned-pool';
import { createPostgresEventStore } from './postgres-event-store';
import { readLogPages } from '../read-log-pages';

/**
 * On Postgres, global positions come from a sequence and are handed out before commit, so they
 * become visible out of order. These tests show that the store's global log never lets a reader
 * skip such an event.
 */
describeWithPostgres('Postgres global log under concurrent writers', () => {
  let database: { url: string; drop: () => Promise<void> };
  let writerPool: Pool;
  let readerPool: Pool;
  let closePools: () => Promise<void>;
  let writers: EventStore;
  // A store of its own for reading, so that subscriptions find other writers' events by polling,
  // as they do across processes, and are not woken by the writers' store.
  let reader: EventStore;

  beforeAll(async () => {
    database = await createTestDatabase('le_event_store_gaps');
    const writing = openOwnedPool(database.url, 8);
    const reading = openOwnedPool(database.url, 2);
    writerPool = writing.pool;
    readerPool = reading.pool;
    closePools = async () => {
      await Promise.all([writing.close(), reading.close()]);
    };
    writers = await createPostgresEventStore(writerPool);
    reader = await createPostgresEventStore(readerPool, { pollIntervalMs: 5 });
  });
  afterAll(async () => {
    await reader.close();
    await writers.close();
    await closePools();
    await database.drop();
  });

  /**
   * Waits until the gap-safe head has reached a position: a transaction in flight anywhere on the
   * server (another suite's) holds it back for a moment, and these tests are not about that.
   */
  const logShows = async (position: LogPosition): Promise<void> => {
    while (comparePositions(await reader.headPosition(), position) < 0) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const lastStoredPosition = async (): Promise<LogPosition> => {
    const { rows } = await readerPool.query<{ tx: string; pos: string }>(
      `SELECT transaction_id::text AS tx, global_position::text AS pos FROM ${EVENTS_TABLE} ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    );
    return { tx: BigInt(rows[0]!.tx), pos: BigInt(rows[0]!.pos) };
  };

  it('8 concurrent writers, a subscriber in batches of 7 restarted from its checkpoint midway: every event once, in log order', async () => {
    let enough = false;
    let written = 0;
    const writer = async (w: number): Promise<void> => {
      for (let n = 0; !enough || n < 150; n++) {
        const key = `w${w}-${n}`;
        const appends: StreamAppend[] =
          n % 5 === 4
            ? // a multi-stream batch: the writer's own stream, a shared one, and a fresh one
              [`own-${w}`, `shared-${n % 3}`, `fresh-${key}`].map((streamId) => ({
                streamId,
                events: [0, 1].map((i) => ({ id: eventIdFor(streamId, `${key}-${i}`), type: 'Batched', data: { key, i } })),
                expectedRevision: 'any' as const,
              }))
            : [{ streamId: n % 2 ? `own-${w}` : `shared-${n % 3}`, events: [{ id: eventIdFor(`w-${w}`, key), type: 'Single', data: { key } }], expectedRevision: 'any' }];
        const results = await writers.appendToStreams(appends);
        written += results.reduce((sum, r) => sum + r.written, 0);
      }
    };

    const first = collect(reader, 7);
    const writing = Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(writer));
    await first.reached(300);
    await first.subscription.stop();
    const checkpoint = first.seen[first.seen.length - 1]!.position;

    // Writers are still going (they stop only once the second subscriber has seen 300 more).
    const second = collect(reader, 7, checkpoint);
    await second.reached(300);
    enough = true;
    await writing;
    await logShows(await lastStoredPosition());
    await second.subscription.caughtUp();
    await second.subscription.stop();

    const seen = [...first.seen, ...second.seen];
    expectInLogOrder(seen);
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const stored = await writerPool.query<{ event_id: string }>(`SELECT event_id FROM ${EVENTS_TABLE}`);
    expect(stored.rows).toHaveLength(written);
    expect(new Set(ids)).toEqual(new Set(stored.rows.map((r) => r.event_id)));
    // Every multi-stream batch arrived whole and in one transaction.
    const batchedTx = new Map<string, Set<bigint>>();
    for (const e of seen.filter((e) => e.type === 'Batched')) {
      const key = (e.data as { key: string }).key;
      batchedTx.set(key, (batchedTx.get(key) ?? new Set()).add(e.position.tx));
    }
    expect([...batchedTx.values()].every((txs) => txs.size === 1)).toBe(true);
    expect(seen.filter((e) => e.type === 'Batched')).toHaveLength(batchedTx.size * 6);
  });

  it('does not pass a transaction that is still open, even once a later one has committed; then sees both, in order', async () => {
    await writers.appendToStream('before', [{ id: eventIdFor('before', '1'), type: 'T', data: {} }], { expectedRevision: 'any' });
    const [before] = await reader.readStream('before');
    await logShows(before!.position);
    const { store: counted, readsAfter } = countingReads(reader);
    const subscriber = collect(counted, 7, before!.position);

    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    let caughtUp = false;
    let seenWhenCaughtUp: Promise<string[]> | undefined;
    try {
      await holder.query('BEGIN');
      const held = appendStatement([{ streamId: 'held', events: [{ id: eventIdFor('held', '1'), type: 'T', data: {} }], expectedRevision: 'any' }]);
      await holder.query(held.text, held.values);
      await writers.appendToStream('later', [{ id: eventIdFor('later', '1'), type: 'T', data: {} }], { expectedRevision: 'any' });

      // The trap is real: 'later' is committed, and a reader going by position alone would take it
      // now and move its checkpoint past the position 'held' already has.
      const raw = await readerPool.query<{ stream_id: string }>(
        `SELECT stream_id FROM ${EVENTS_TABLE} WHERE global_position > $1 ORDER BY global_position`,
        [before!.position.pos.toString()],
      );
      expect(raw.rows.map((r) => r.stream_id)).toEqual(['later']);

      expect(await reader.readAll({ after: before!.position, maxCount: 10 })).toEqual([]);
      expect(await reader.headPosition()).toEqual(before!.position);
      // What read-your-writes waits for runs ahead: 'later' is committed, only not readable yet.
      const [later] = await reader.readStream('later');
      expect(await reader.committedHeadPosition()).toEqual(later!.position);
      // "Caught up" means every committed event, 'later' included: it must not resolve on an empty read.
      seenWhenCaughtUp = subscriber.subscription.caughtUp().then(() => {
        caughtUp = true;
        return subscriber.seen.map((e) => e.streamId);
      });
      await readsAfter(3); // the subscriber has looked again, three times, and still holds back
      expect(subscriber.seen).toEqual([]);
      expect(caughtUp).toBe(false);

      await holder.query('COMMIT');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    expect(await seenWhenCaughtUp!).toEqual(['held', 'later']);
    await subscriber.subscription.stop();
    expect(subscriber.seen.map((e) => e.streamId)).toEqual(['held', 'later']);
    expectInLogOrder(subscriber.seen);
    // 'held' got the lower position but committed last: only the transaction half keeps it in.
    expect(subscriber.seen[0]!.position.pos).toBeLessThan(subscriber.seen[1]!.position.pos);
  });

  it('readLogPages waits for events committed behind an open transaction instead of stopping short', async () => {
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()'); // holds every reader back until it ends
      await writers.appendToStream('behind', [{ id: eventIdFor('behind', '1'), type: 'T', data: {} }], { expectedRevision: 'any' });
      let finished = false;
      const read = (async () => {
        const streams: string[] = [];
        for await (const page of readLogPages(reader, { pageSize: 100, retryMs: 5 })) streams.push(...page.map((e) => e.streamId));
        finished = true;
        return streams;
      })();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(finished).toBe(false);
      await holder.query('COMMIT');
      expect((await read).at(-1)).toBe('behind');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});

interface Collected {
  readonly seen: RecordedEvent[];
  readonly subscription: Subscription;
  /** Resolves once at least `count` events have been delivered. */
  reached(count: number): Promise<void>;
}

function collect(store: EventStore, batchSize: number, after?: LogPosition): Collected {
  const seen: RecordedEvent[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let failure: unknown;
  const subscription = store.subscribeToAll({
    after,
    batchSize,
    onBatch: async (batch) => {
      expect(batch.length).toBeLessThanOrEqual(batchSize);
      seen.push(...batch);
      for (const waiter of waiters.filter((w) => seen.length >= w.count)) waiter.resolve();
      // Let the writers move between batches, so that reading and writing interleave.
      await new Promise((resolve) => setImmediate(resolve));
    },
    onError: (error) => (failure = error),
  });
  return {
    seen,
    subscription,
    reached: (count) =>
      new Promise<void>((resolve, reject) => {
        if (failure !== undefined) reject(failure);
        else if (seen.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

/** The same store, counting the reads its subscriptions make, so a test can wait for a few polls. */
function countingReads(store: EventStore): { store: EventStore; readsAfter: (more: number) => Promise<void> } {
  let reads = 0;
  let waiters: Array<{ at: number; resolve: () => void }> = [];
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'readAll') return Reflect.get(target, property, receiver);
      return async (options: ReadAllOptions) => {
        const events = await target.readAll(options);
        reads++;
        waiters = waiters.filter((w) => (reads >= w.at ? (w.resolve(), false) : true));
        return events;
      };
    },
  });
  return { store: counted, readsAfter: (more) => new Promise((resolve) => waiters.push({ at: reads + more, resolve })) };
}

function expectInLogOrder(events: readonly RecordedEvent[]): void {
  const outOfOrder = events.slice(1).filter((e, i) => comparePositions(events[i]!.position, e.position) >= 0);
  expect(outOfOrder).toEqual([]);
}
