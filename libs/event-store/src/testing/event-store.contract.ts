import { eventIdFor } from '../event-id';
import {
  comparePositions,
  DuplicateEventIdError,
  EventStore,
  EventToAppend,
  InvalidAppendError,
  LogPosition,
  PartialDuplicateAppendError,
  RecordedEvent,
  START,
  StreamAppend,
  SubscribeOptions,
  Subscription,
  SubscriptionStoppedError,
  WrongExpectedRevisionError,
} from '../event-store';

export interface EventStoreUnderTest {
  readonly store: EventStore;
  /** Releases whatever the factory opened; called after each test (the store may already be closed). */
  readonly cleanup: () => Promise<void>;
}

/** A fresh, empty store per call. Subscriptions should poll often (10-20 ms) to keep the suite fast. */
export type EventStoreFactory = () => Promise<EventStoreUnderTest>;

/**
 * The behaviour every adapter promises, as one suite: each adapter's spec calls this with its own
 * factory. Nothing here looks inside an adapter; everything goes through the port.
 */
export function eventStoreContract(adapterName: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let written: Set<string>;
    beforeEach(async () => {
      const underTest = await factory();
      written = new Set();
      store = recordingWrites(underTest.store, written);
      cleanup = underTest.cleanup;
    });
    afterEach(async () => {
      await cleanup();
    });

    /**
     * Waits until the global log shows every event this test has written. On Postgres a
     * transaction in flight anywhere on the server (another suite's, say) holds the log back for
     * a moment; that is the gap-safe read working, not something these tests are about.
     */
    const settled = async (): Promise<void> => {
      for (;;) {
        const visible = new Set((await store.readAll({ maxCount: 100_000 })).map((e) => e.id));
        if ([...written].every((id) => visible.has(id))) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const all = async (): Promise<RecordedEvent[]> => {
      await settled();
      return store.readAll({ maxCount: 100_000 });
    };
    const caughtUp = async (subscription: Subscription): Promise<void> => {
      await settled();
      await subscription.caughtUp();
    };

    describe('appending to one stream', () => {
      it('numbers a new stream from revision 0 and reads it back in order', async () => {
        const result = await store.appendToStream('s-1', [event('s-1', 'a'), event('s-1', 'b'), event('s-1', 'c')], {
          expectedRevision: 'no-stream',
        });
        expect(result).toEqual({ streamId: 's-1', nextExpectedRevision: 2n, written: 3 });
        const read = await store.readStream('s-1');
        expect(read.map((e) => [e.revision, e.id, e.type, e.data, e.metadata, e.streamId])).toEqual([
          [0n, eventIdFor('s-1', 'a'), 'Tested', { key: 'a' }, { key: 'a' }, 's-1'],
          [1n, eventIdFor('s-1', 'b'), 'Tested', { key: 'b' }, { key: 'b' }, 's-1'],
          [2n, eventIdFor('s-1', 'c'), 'Tested', { key: 'c' }, { key: 'c' }, 's-1'],
        ]);
        expect(read.every((e) => e.recordedAt instanceof Date && !Number.isNaN(e.recordedAt.getTime()))).toBe(true);
      });

      it('appends at an exact expected revision and refuses a stale one, reporting the actual revision', async () => {
        await store.appendToStream('s-1', events('s-1', 'a', 'b'), { expectedRevision: 'no-stream' });
        expect(await store.appendToStream('s-1', events('s-1', 'c'), { expectedRevision: 1n })).toEqual({
          streamId: 's-1',
          nextExpectedRevision: 2n,
          written: 1,
        });
        const stale = store.appendToStream('s-1', events('s-1', 'd'), { expectedRevision: 1n });
        await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(stale).rejects.toMatchObject({ streamId: 's-1', expected: 1n, actual: 2n, code: 'EVENT_STORE.WRONG_EXPECTED_REVISION' });
        expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
      });

      it("'no-stream' refuses a stream that exists", async () => {
        await store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'no-stream' });
        await expect(store.appendToStream('s-1', events('s-1', 'b'), { expectedRevision: 'no-stream' })).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          expected: 'no-stream',
          actual: 0n,
        });
      });

      it("'stream-exists' refuses a missing stream and appends to an existing one", async () => {
        await expect(store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'stream-exists' })).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 'no-stream',
        });
        expect(await store.readStream('s-1')).toEqual([]);
        await store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'any' });
        expect(await store.appendToStream('s-1', events('s-1', 'b'), { expectedRevision: 'stream-exists' })).toMatchObject({
          nextExpectedRevision: 1n,
          written: 1,
        });
      });

      it('an exact revision on a missing stream is refused with actual no-stream', async () => {
        await expect(store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 0n })).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 'no-stream',
        });
      });

      it("'any' appends whatever the revision, and -1n means 'no-stream'", async () => {
        expect(await store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'any' })).toMatchObject({ nextExpectedRevision: 0n });
        expect(await store.appendToStream('s-1', events('s-1', 'b'), { expectedRevision: 'any' })).toMatchObject({ nextExpectedRevision: 1n });
        expect(await store.appendToStream('s-2', events('s-2', 'a'), { expectedRevision: -1n })).toMatchObject({ nextExpectedRevision: 0n });
        await expect(store.appendToStream('s-2', events('s-2', 'b'), { expectedRevision: -1n })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
      });

      it('an empty append checks the expected revision and writes nothing', async () => {
        expect(await store.appendToStream('s-1', [], { expectedRevision: 'no-stream' })).toEqual({
          streamId: 's-1',
          nextExpectedRevision: -1n,
          written: 0,
        });
        // It did not create the stream.
        await expect(store.appendToStream('s-1', [], { expectedRevision: 'stream-exists' })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'no-stream' });
        await expect(store.appendToStream('s-1', [], { expectedRevision: 5n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.appendToStream('s-1', [], { expectedRevision: 0n })).toMatchObject({ nextExpectedRevision: 0n, written: 0 });
        expect(await all()).toHaveLength(1);
      });

      it('of concurrent appends expecting the same revision, exactly one wins', async () => {
        await store.appendToStream('s-1', events('s-1', 'first'), { expectedRevision: 'no-stream' });
        const attempts = await Promise.allSettled(
          ['x', 'y', 'z', 'w', 'v'].map((key) => store.appendToStream('s-1', events('s-1', key), { expectedRevision: 0n })),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        const losers = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(losers).toHaveLength(4);
        for (const loser of losers) expect(loser.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream('s-1')).map((e) => e.revision)).toEqual([0n, 1n]);
      });

      it("concurrent 'any' appends all land, each at its own revision", async () => {
        const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
        await Promise.all(keys.map((key) => store.appendToStream('s-1', events('s-1', key), { expectedRevision: 'any' })));
        const read = await store.readStream('s-1');
        expect(read.map((e) => e.revision)).toEqual(keys.map((_, i) => BigInt(i)));
        expect(new Set(read.map((e) => (e.data as { key: string }).key))).toEqual(new Set(keys));
      });

      it('round-trips JSON data and metadata as given (metadata defaults to {})', async () => {
        const data = {
          text: 'quotes " and \\ backslashes, ünïcødé, emoji 🎉, a newline\n',
          numbers: [0, -1.5, 1e21, 9007199254740991],
          nested: { deeper: { empty: {}, list: [], nothing: null, yes: true } },
        };
        await store.appendToStream('s-1', [{ id: eventIdFor('s-1', 'json'), type: 'Json', data }, { ...event('s-1', 'scalar'), data: 'just a string' }], {
          expectedRevision: 'any',
        });
        const [first, second] = await store.readStream('s-1');
        expect(first!.data).toEqual(data);
        expect(first!.metadata).toEqual({});
        expect(second!.data).toBe('just a string');
      });

      it('keeps its own copy: changing the appended object afterwards changes nothing stored', async () => {
        const data = { list: [1, 2] };
        await store.appendToStream('s-1', [{ id: eventIdFor('s-1', 'x'), type: 'T', data }], { expectedRevision: 'any' });
        data.list.push(3);
        const [read] = await store.readStream('s-1');
        expect(read!.data).toEqual({ list: [1, 2] });
        (read!.data as { list: number[] }).list.push(4);
        expect((await store.readStream('s-1'))[0]!.data).toEqual({ list: [1, 2] });
      });
    });

    describe('idempotent appends', () => {
      it('a repeated append is a no-op success whatever revision it expected', async () => {
        await store.appendToStream('s-1', events('s-1', 'a', 'b'), { expectedRevision: 'no-stream' });
        for (const expectedRevision of ['no-stream', 'stream-exists', 'any', 0n, 1n, 7n] as const) {
          expect(await store.appendToStream('s-1', events('s-1', 'a', 'b'), { expectedRevision })).toEqual({
            streamId: 's-1',
            nextExpectedRevision: 1n,
            written: 0,
          });
        }
        expect(await all()).toHaveLength(2);
      });

      it('recognises a repeat after the stream has moved on, and answers with the current revision', async () => {
        await store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'no-stream' });
        await store.appendToStream('s-1', events('s-1', 'b', 'c'), { expectedRevision: 0n });
        expect(await store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'no-stream' })).toEqual({
          streamId: 's-1',
          nextExpectedRevision: 2n,
          written: 0,
        });
      });

      it('treats an id in another letter case as the same id', async () => {
        await store.appendToStream('s-1', [{ ...event('s-1', 'a'), id: eventIdFor('s-1', 'a').toUpperCase() }], { expectedRevision: 'any' });
        expect((await store.readStream('s-1'))[0]!.id).toBe(eventIdFor('s-1', 'a'));
        expect(await store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'any' })).toMatchObject({ written: 0 });
      });

      it('refuses an append of which only some events are stored, and writes none of it', async () => {
        await store.appendToStream('s-1', events('s-1', 'a', 'b'), { expectedRevision: 'no-stream' });
        const partial = store.appendToStream('s-1', events('s-1', 'b', 'c'), { expectedRevision: 1n });
        await expect(partial).rejects.toBeInstanceOf(PartialDuplicateAppendError);
        await expect(partial).rejects.toMatchObject({ streamId: 's-1', duplicateIds: [eventIdFor('s-1', 'b')], code: 'EVENT_STORE.PARTIAL_DUPLICATE_APPEND' });
        expect(await store.readStream('s-1')).toHaveLength(2);
      });

      it('refuses an event id that is stored in another stream', async () => {
        const shared = event('s-1', 'a');
        await store.appendToStream('s-1', [shared], { expectedRevision: 'any' });
        const elsewhere = store.appendToStream('s-2', [shared], { expectedRevision: 'any' });
        await expect(elsewhere).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(elsewhere).rejects.toMatchObject({ streamId: 's-2', duplicateIds: [shared.id] });
        expect(await store.readStream('s-2')).toEqual([]);
      });

      it.each(['any', 'no-stream'] as const)("of two concurrent identical appends (%s), one writes and the other is a repeat", async (expectedRevision) => {
        const batch = events('s-1', 'a', 'b', 'c');
        const results = await Promise.all([
          store.appendToStream('s-1', batch, { expectedRevision }),
          store.appendToStream('s-1', batch, { expectedRevision }),
        ]);
        expect(results.map((r) => r.written).sort()).toEqual([0, 3]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([2n, 2n]);
        expect(await store.readStream('s-1')).toHaveLength(3);
      });
    });

    describe('malformed appends', () => {
      const cases: ReadonlyArray<[string, () => Promise<unknown>]> = [
        ['an id that is not a uuid', () => store.appendToStream('s-1', [{ id: 'order-1', type: 'T', data: {} }], { expectedRevision: 'any' })],
        ['the same id twice', () => store.appendToStream('s-1', [event('s-1', 'a'), event('s-1', 'a')], { expectedRevision: 'any' })],
        ['an empty stream id', () => store.appendToStream('', events('s-1', 'a'), { expectedRevision: 'any' })],
        ['an empty type', () => store.appendToStream('s-1', [{ ...event('s-1', 'a'), type: '' }], { expectedRevision: 'any' })],
        ['undefined data', () => store.appendToStream('s-1', [{ ...event('s-1', 'a'), data: undefined }], { expectedRevision: 'any' })],
        ['a bigint in data', () => store.appendToStream('s-1', [{ ...event('s-1', 'a'), data: { n: 1n } }], { expectedRevision: 'any' })],
        ['a NUL character in data', () => store.appendToStream('s-1', [{ ...event('s-1', 'a'), data: { s: 'a\u0000b' } }], { expectedRevision: 'any' })],
        ['metadata that is not an object', () => store.appendToStream('s-1', [{ ...event('s-1', 'a'), metadata: [] as never }], { expectedRevision: 'any' })],
        ['a negative expected revision other than -1n', () => store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: -2n })],
        [
          'the same stream twice in one call',
          () =>
            store.appendToStreams([
              { streamId: 's-1', events: events('s-1', 'a'), expectedRevision: 'any' },
              { streamId: 's-1', events: events('s-1', 'b'), expectedRevision: 'any' },
            ]),
        ],
      ];
      it.each(cases)('refuses %s and writes nothing', async (_, append) => {
        await expect(append()).rejects.toBeInstanceOf(InvalidAppendError);
        expect(await store.readStream('s-1')).toEqual([]);
        expect(await all()).toEqual([]);
      });

      it('accepts text that merely looks like an escaped NUL', async () => {
        await store.appendToStream('s-1', [{ ...event('s-1', 'a'), data: { s: 'a\\u0000b' } }], { expectedRevision: 'any' });
        expect((await store.readStream('s-1'))[0]!.data).toEqual({ s: 'a\\u0000b' });
      });
    });

    describe('appending to many streams at once', () => {
      it('writes every stream and answers per stream, in the order given', async () => {
        await store.appendToStream('s-2', events('s-2', 'a'), { expectedRevision: 'no-stream' });
        const results = await store.appendToStreams([
          { streamId: 's-1', events: events('s-1', 'a', 'b'), expectedRevision: 'no-stream' },
          { streamId: 's-2', events: events('s-2', 'b'), expectedRevision: 0n },
          { streamId: 's-3', events: events('s-3', 'a'), expectedRevision: 'any' },
        ]);
        expect(results).toEqual([
          { streamId: 's-1', nextExpectedRevision: 1n, written: 2 },
          { streamId: 's-2', nextExpectedRevision: 1n, written: 1 },
          { streamId: 's-3', nextExpectedRevision: 0n, written: 1 },
        ]);
        expect((await store.readStream('s-2')).map((e) => e.revision)).toEqual([0n, 1n]);
      });

      it('one stream at a wrong revision: nothing is written to any of them', async () => {
        await store.appendToStream('s-2', events('s-2', 'a'), { expectedRevision: 'no-stream' });
        const before = await all();
        const batch = store.appendToStreams([
          { streamId: 's-1', events: events('s-1', 'a'), expectedRevision: 'no-stream' },
          { streamId: 's-2', events: events('s-2', 'b'), expectedRevision: 5n },
          { streamId: 's-3', events: events('s-3', 'a'), expectedRevision: 'any' },
        ]);
        await expect(batch).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: 's-2', expected: 5n, actual: 0n });
        expect(await all()).toEqual(before);
        // The new stream of the failed batch was not created either.
        await expect(store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'no-stream' })).resolves.toMatchObject({ written: 1 });
      });

      it('a partial duplicate in one stream: nothing is written to any of them', async () => {
        await store.appendToStream('s-2', events('s-2', 'a'), { expectedRevision: 'no-stream' });
        const batch = store.appendToStreams([
          { streamId: 's-1', events: events('s-1', 'a'), expectedRevision: 'any' },
          { streamId: 's-2', events: events('s-2', 'a', 'b'), expectedRevision: 'any' },
        ]);
        await expect(batch).rejects.toMatchObject({ name: 'PartialDuplicateAppendError', streamId: 's-2' });
        expect(await all()).toHaveLength(1);
      });

      it('a stream that is a complete repeat is skipped while the others are written', async () => {
        await store.appendToStream('s-1', events('s-1', 'a'), { expectedRevision: 'no-stream' });
        const results = await store.appendToStreams([
          { streamId: 's-1', events: events('s-1', 'a'), expectedRevision: 'no-stream' },
          { streamId: 's-2', events: events('s-2', 'a'), expectedRevision: 'no-stream' },
        ]);
        expect(results.map((r) => [r.streamId, r.nextExpectedRevision, r.written])).toEqual([
          ['s-1', 0n, 0],
          ['s-2', 0n, 1],
        ]);
      });

      it('concurrent batches over the same streams, in different orders, all land', async () => {
        const streams = ['s-a', 's-b', 's-c'];
        await Promise.all(
          [0, 1, 2, 3, 4, 5].map((n) =>
            store.appendToStreams(
              rotate(streams, n).map((streamId) => ({ streamId, events: events(streamId, `batch-${n}`), expectedRevision: 'any' as const })),
            ),
          ),
        );
        for (const streamId of streams) {
          expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
        }
      });
    });

    describe('reading', () => {
      it('reads a stream from a revision, at most maxCount events', async () => {
        await store.appendToStream('s-1', events('s-1', 'a', 'b', 'c', 'd', 'e'), { expectedRevision: 'no-stream' });
        expect((await store.readStream('s-1', { fromRevision: 2n })).map((e) => e.revision)).toEqual([2n, 3n, 4n]);
        expect((await store.readStream('s-1', { fromRevision: 1n, maxCount: 2 })).map((e) => e.revision)).toEqual([1n, 2n]);
        expect(await store.readStream('s-1', { fromRevision: 5n })).toEqual([]);
        expect(await store.readStream('missing')).toEqual([]);
      });

      it('reads the global log once, in append order, one transaction position per append', async () => {
        await store.appendToStream('s-1', events('s-1', 'a', 'b'), { expectedRevision: 'any' });
        await store.appendToStreams([
          { streamId: 's-2', events: events('s-2', 'a'), expectedRevision: 'any' },
          { streamId: 's-1', events: events('s-1', 'c'), expectedRevision: 'any' },
        ]);
        await store.appendToStream('s-3', events('s-3', 'a'), { expectedRevision: 'any' });
        const log = await all();
        expect(log.map((e) => `${e.streamId}/${e.revision}`)).toEqual(['s-1/0', 's-1/1', 's-2/0', 's-1/2', 's-3/0']);
        expectStrictlyIncreasing(log.map((e) => e.position));
        // Events of one append share their transaction half; different appends do not.
        expect(new Set(log.map((e) => e.position.tx)).size).toBe(3);
        expect(log[2]!.position.tx).toBe(log[3]!.position.tx);
      });

      it('reads after a position, exclusive, so that pages join without a gap or a repeat', async () => {
        for (let i = 0; i < 5; i++) {
          await store.appendToStreams([
            { streamId: `s-${i}`, events: events(`s-${i}`, 'a', 'b', 'c'), expectedRevision: 'any' },
            { streamId: 'shared', events: events('shared', `x${i}`), expectedRevision: 'any' },
          ]);
        }
        const everything = await all();
        expect(everything).toHaveLength(20);
        const paged: RecordedEvent[] = [];
        let after: LogPosition = START;
        for (;;) {
          const page = await store.readAll({ after, maxCount: 3 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          paged.push(...page);
          after = page[page.length - 1]!.position;
        }
        expect(paged).toEqual(everything);
        expect(await store.readAll({ after: everything[6]!.position, maxCount: 2 })).toEqual(everything.slice(7, 9));
      });

      it('tells the head position: START when empty, else the last event, after which nothing is read', async () => {
        expect(await store.headPosition()).toEqual(START);
        await store.appendToStream('s-1', events('s-1', 'a', 'b'), { expectedRevision: 'any' });
        const log = await all();
        const head = await store.headPosition();
        expect(head).toEqual(log[1]!.position);
        expect(await store.readAll({ after: head, maxCount: 10 })).toEqual([]);
        // With no transaction in flight, the committed head is the readable one.
        expect(await store.committedHeadPosition()).toEqual(head);
      });
    });

    describe('subscribing to the global log', () => {
      let subscriptions: Subscription[] = [];
      afterEach(async () => {
        await Promise.all(subscriptions.map((s) => s.stop()));
        subscriptions = [];
      });
      const subscribe = (options: Partial<SubscribeOptions> = {}): { seen: RecordedEvent[]; batches: number[]; subscription: Subscription } => {
        const seen: RecordedEvent[] = [];
        const batches: number[] = [];
        const subscription = store.subscribeToAll({
          onBatch: async (batch) => {
            batches.push(batch.length);
            seen.push(...batch);
          },
          ...options,
        });
        subscriptions.push(subscription);
        return { seen, batches, subscription };
      };
      const appendMany = async (streamId: string, count: number, prefix = 'e'): Promise<void> => {
        for (let i = 0; i < count; i += 4) {
          const keys = Array.from({ length: Math.min(4, count - i) }, (_, j) => `${prefix}${i + j}`);
          await store.appendToStream(streamId, events(streamId, ...keys), { expectedRevision: 'any' });
        }
      };

      it('catches up with the existing log in batches of at most batchSize, in log order', async () => {
        await appendMany('s-1', 13);
        await appendMany('s-2', 10);
        const { seen, batches, subscription } = subscribe({ batchSize: 5 });
        await caughtUp(subscription);
        expect(seen).toEqual(await all());
        expect(batches.every((size) => size >= 1 && size <= 5)).toBe(true);
      });

      it('then follows the live log, every event once', async () => {
        await appendMany('s-1', 3);
        const { seen, subscription } = subscribe({ batchSize: 4 });
        await caughtUp(subscription);
        await appendMany('s-2', 6);
        await store.appendToStreams([
          { streamId: 's-1', events: events('s-1', 'late'), expectedRevision: 'any' },
          { streamId: 's-3', events: events('s-3', 'late'), expectedRevision: 'any' },
        ]);
        await caughtUp(subscription);
        expect(seen).toEqual(await all());
        expect(seen).toHaveLength(11);
      });

      it('caughtUp resolves at once on an empty log', async () => {
        const { seen, subscription } = subscribe();
        await caughtUp(subscription);
        expect(seen).toEqual([]);
      });

      it('starts after the position it is given', async () => {
        await appendMany('s-1', 8);
        const log = await all();
        const { seen, subscription } = subscribe({ after: log[4]!.position, batchSize: 2 });
        await caughtUp(subscription);
        expect(seen).toEqual(log.slice(5));
      });

      it('reads the next batch only once onBatch has resolved (back-pressure)', async () => {
        await appendMany('s-1', 9);
        const firstBatchHeld = gate();
        const entered = gate();
        let inFlight = 0;
        let maxInFlight = 0;
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({
          batchSize: 3,
          onBatch: async (batch) => {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            if (seen.length === 0) {
              entered.open();
              await firstBatchHeld.opened;
            }
            seen.push(...batch);
            inFlight--;
          },
        });
        subscriptions.push(subscription);
        await entered.opened;
        // Give a subscription that does not wait every chance to race ahead.
        await appendMany('s-2', 3);
        for (let i = 0; i < 5; i++) await store.headPosition();
        expect(seen).toEqual([]);
        firstBatchHeld.open();
        await caughtUp(subscription);
        expect(maxInFlight).toBe(1);
        expect(seen).toEqual(await all());
      });

      it('a new subscription from the last checkpoint resumes without a gap or a repeat', async () => {
        await appendMany('s-1', 7);
        const first = subscribe({ batchSize: 3 });
        await caughtUp(first.subscription);
        await first.subscription.stop();
        const checkpoint = first.seen[first.seen.length - 1]!.position;
        await appendMany('s-2', 5);
        await appendMany('s-1', 2, 'more');
        const second = subscribe({ after: checkpoint, batchSize: 3 });
        await caughtUp(second.subscription);
        expect([...first.seen, ...second.seen]).toEqual(await all());
        expect(second.seen).toHaveLength(7);
      });

      it('stop() resolves after the batch in flight, and nothing is delivered after it', async () => {
        await appendMany('s-1', 6);
        const held = gate();
        const entered = gate();
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({
          batchSize: 2,
          onBatch: async (batch) => {
            entered.open();
            await held.opened;
            seen.push(...batch);
          },
        });
        await entered.opened;
        let stopped = false;
        const stopping = subscription.stop().then(() => (stopped = true));
        for (let i = 0; i < 5; i++) await store.headPosition();
        expect(stopped).toBe(false);
        held.open();
        await stopping;
        expect(seen).toHaveLength(2);
        await appendMany('s-2', 3);
        const witness = subscribe();
        await caughtUp(witness.subscription);
        expect(seen).toHaveLength(2);
      });

      it('caughtUp rejects with SubscriptionStoppedError when stopped before catching up', async () => {
        await appendMany('s-1', 6);
        await settled();
        const held = gate();
        const subscription = store.subscribeToAll({ batchSize: 2, onBatch: () => held.opened });
        const waiting = subscription.caughtUp();
        const stopping = subscription.stop();
        held.open();
        await stopping;
        await expect(waiting).rejects.toBeInstanceOf(SubscriptionStoppedError);
      });

      describe('with eventTypes', () => {
        /** Streams whose events alternate between the types Kept and Skipped, `count` of each stream. */
        const appendMixed = async (streamId: string, count: number, prefix = 'm'): Promise<void> => {
          const mixed = Array.from({ length: count }, (_, i) => ({ ...event(streamId, `${prefix}${i}`), type: i % 3 === 1 ? 'Kept' : 'Skipped' }));
          for (let i = 0; i < mixed.length; i += 4) await store.appendToStream(streamId, mixed.slice(i, i + 4), { expectedRevision: 'any' });
        };
        const subscribeKept = (options: Partial<SubscribeOptions> = {}) => {
          const seen: RecordedEvent[] = [];
          const windows: { size: number; through: LogPosition; scanned: number }[] = [];
          const subscription = store.subscribeToAll({
            eventTypes: ['Kept'],
            onBatch: async (batch, progress) => {
              seen.push(...batch);
              windows.push({ size: batch.length, ...progress });
            },
            ...options,
          });
          subscriptions.push(subscription);
          return { seen, windows, subscription };
        };

        it('hands over only those types, in log order, and reads past the others to the end of the log', async () => {
          await appendMixed('s-1', 14);
          await appendMixed('s-2', 9);
          const { seen, windows, subscription } = subscribeKept({ batchSize: 4 });
          await caughtUp(subscription);
          const log = await all();
          expect(seen).toEqual(log.filter((e) => e.type === 'Kept'));
          expect(seen.length).toBeGreaterThan(0);
          // Every event of the log is covered exactly once, windows of at most batchSize.
          expect(windows.reduce((n, w) => n + w.scanned, 0)).toBe(log.length);
          expect(windows.every((w) => w.scanned >= 1 && w.scanned <= 4 && w.size <= w.scanned)).toBe(true);
          // The log ends on a skipped event: the last window still reaches it.
          expect(log[log.length - 1]!.type).toBe('Skipped');
          expect(windows[windows.length - 1]!.through).toEqual(log[log.length - 1]!.position);
          for (let i = 1; i < windows.length; i++) expect(comparePositions(windows[i - 1]!.through, windows[i]!.through)).toBeLessThan(0);
        });

        it('a window of skipped events alone comes as an empty batch that still moves the checkpoint', async () => {
          await store.appendToStream('s-1', events('s-1', 'a', 'b', 'c'), { expectedRevision: 'any' });
          const { seen, windows, subscription } = subscribeKept();
          await caughtUp(subscription);
          const log = await all();
          expect(seen).toEqual([]);
          expect(windows.map((w) => w.size)).toEqual([0]);
          expect(windows[0]!.through).toEqual(log[2]!.position);
          expect(windows[0]!.scanned).toBe(3);
          // Idle, it hands over nothing more.
          for (let i = 0; i < 5; i++) await store.headPosition();
          expect(windows).toHaveLength(1);
        });

        it('resumes after progress.through without a gap or a repeat, and follows the live log', async () => {
          await appendMixed('s-1', 10);
          const first = subscribeKept({ batchSize: 3 });
          await caughtUp(first.subscription);
          await first.subscription.stop();
          const checkpoint = first.windows[first.windows.length - 1]!.through;
          await appendMixed('s-2', 8, 'n');
          const second = subscribeKept({ after: checkpoint, batchSize: 3 });
          await caughtUp(second.subscription);
          await appendMixed('s-3', 5, 'o');
          await caughtUp(second.subscription);
          const kept = (await all()).filter((e) => e.type === 'Kept');
          expect([...first.seen, ...second.seen]).toEqual(kept);
          expect(second.seen.every((e) => e.streamId !== 's-1')).toBe(true);
        });
      });

      it('an onBatch failure stops the subscription, is reported once, and rejects caughtUp', async () => {
        await appendMany('s-1', 4);
        await settled();
        const failure = new Error('projection broke');
        const reported: unknown[] = [];
        let calls = 0;
        const subscription = store.subscribeToAll({
          batchSize: 2,
          onBatch: async () => {
            calls++;
            throw failure;
          },
          onError: (error) => reported.push(error),
        });
        subscriptions.push(subscription);
        await expect(subscription.caughtUp()).rejects.toBe(failure);
        await appendMany('s-2', 2);
        const witness = subscribe();
        await caughtUp(witness.subscription);
        expect(calls).toBe(1);
        expect(reported).toEqual([failure]);
      });

      it('close() stops the subscriptions of the store', async () => {
        await appendMany('s-1', 2);
        const { subscription } = subscribe();
        await caughtUp(subscription);
        await store.close();
        await store.appendToStream('s-1', events('s-1', 'after-close'), { expectedRevision: 'any' });
        await settled();
        await expect(subscription.caughtUp()).rejects.toBeInstanceOf(SubscriptionStoppedError);
      });
    });
  });
}

/** The same store, noting the ids of every event an append reports as written. */
function recordingWrites(store: EventStore, written: Set<string>): EventStore {
  const note = (events: readonly EventToAppend[]): void => events.forEach((e) => written.add(e.id.toLowerCase()));
  return new Proxy(store, {
    get(target, property) {
      if (property === 'appendToStream') {
        return async (...args: Parameters<EventStore['appendToStream']>) => {
          const result = await target.appendToStream(...args);
          if (result.written > 0) note(args[1]);
          return result;
        };
      }
      if (property === 'appendToStreams') {
        return async (appends: readonly StreamAppend[]) => {
          const results = await target.appendToStreams(appends);
          results.forEach((result, i) => result.written > 0 && note(appends[i]!.events));
          return results;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function event(streamId: string, key: string): EventToAppend {
  return { id: eventIdFor(streamId, key), type: 'Tested', data: { key }, metadata: { key } };
}

function events(streamId: string, ...keys: string[]): EventToAppend[] {
  return keys.map((key) => event(streamId, key));
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return by % 2 === 0 ? rotated : rotated.reverse();
}

function expectStrictlyIncreasing(positions: readonly LogPosition[]): void {
  positions.slice(1).forEach((position, i) => expect(comparePositions(positions[i]!, position)).toBe(-1));
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}
