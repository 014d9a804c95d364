import { jsonEvent, type ResolvedEvent } from '@eventstore/db-client';
import { eventIdFor } from '../../event-id';
import { InvalidAppendError, type EventStore, type EventToAppend } from '../../event-store';
import type { EventStoreDbClientPort } from '../eventstoredb-client';
import { createEventStoreDbEventStore, type EventStoreDbEventStoreOptions } from '../eventstoredb-event-store';

/**
 * What the EventStoreDB adapter does beyond the shared contract, and what it does instead in the
 * contract's known exceptions. Runs on the simulated client (unit spec) and on a real server
 * (int-spec, when EVENTSTORE_URL is set).
 */
export function eventStoreDbAdapterSuite(name: string, client: () => EventStoreDbClientPort, namespace: () => string): void {
  describe(`EventStoreDB adapter specifics: ${name}`, () => {
    let ns: string;
    const stores: EventStore[] = [];
    const open = (options: Partial<EventStoreDbEventStoreOptions> = {}): EventStore => {
      const store = createEventStoreDbEventStore(client(), { streamPrefixes: ['customer-'], namespace: ns, ...options });
      stores.push(store);
      return store;
    };
    beforeEach(() => {
      ns = namespace();
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
    });

    it('refuses prefixes that would take in system streams or every stream', () => {
      expect(() => createEventStoreDbEventStore(client(), { streamPrefixes: [] })).toThrow(RangeError);
      expect(() => createEventStoreDbEventStore(client(), { streamPrefixes: [''] })).toThrow(/system streams/);
      expect(() => createEventStoreDbEventStore(client(), { streamPrefixes: ['$ce-'] })).toThrow(/system streams/);
      expect(() => createEventStoreDbEventStore(client(), { streamPrefixes: [''], namespace: '$x' })).toThrow(/system streams/);
    });

    it('refuses an append to a stream outside its prefixes, and writes nothing', async () => {
      const store = open();
      await expect(store.appendToStream('order-1', [event('order-1', 'a')], { expectedRevision: 'any' })).rejects.toBeInstanceOf(InvalidAppendError);
      await expect(
        store.appendToStreams([
          { streamId: 'customer-1', events: [event('customer-1', 'a')], expectedRevision: 'any' },
          { streamId: 'order-1', events: [event('order-1', 'a')], expectedRevision: 'any' },
        ]),
      ).rejects.toBeInstanceOf(InvalidAppendError);
      expect(await store.readAll({ maxCount: 10 })).toEqual([]);
    });

    it('maps a stream one to one (namespace in front), revisions as they are, positions to (commit, prepare)', async () => {
      const store = open();
      await store.appendToStream('customer-1', [event('customer-1', 'a'), event('customer-1', 'b')], { expectedRevision: 'no-stream' });
      const raw: ResolvedEvent[] = [];
      for await (const resolved of client().readStream(`${ns}customer-1`, {})) raw.push(resolved);
      const read = await store.readStream('customer-1');
      expect(read.map((e) => [e.streamId, e.id, e.revision, e.position.tx, e.position.pos])).toEqual(
        raw.map((r) => ['customer-1', r.event!.id, r.event!.revision, r.event!.position!.commit, r.event!.position!.prepare]),
      );
      expect(raw.map((r) => r.event!.id)).toEqual([eventIdFor('customer-1', 'a'), eventIdFor('customer-1', 'b')]);
    });

    it('leaves system events and streams outside its prefixes out of the global log and its head', async () => {
      const store = open();
      await store.appendToStream('customer-1', [event('customer-1', 'a')], { expectedRevision: 'any' });
      // Written past the adapter, straight to the server: another application's stream.
      await client().appendToStream(`${ns}order-1`, [jsonEvent({ id: eventIdFor('order-1', 'x'), type: 'Other', data: {} })], { expectedRevision: 'any' });
      const log = await store.readAll({ maxCount: 100 });
      expect(log.map((e) => e.streamId)).toEqual(['customer-1']);
      expect(await store.headPosition()).toEqual(log[0]!.position);
      const seen: string[] = [];
      const subscription = store.subscribeToAll({ onBatch: async (batch) => void seen.push(...batch.map((e) => e.streamId)) });
      await subscription.caughtUp();
      await subscription.stop();
      expect(seen).toEqual(['customer-1']);
    });

    it('pages through $all on the client side of the filter without a gap or a repeat', async () => {
      const store = open({ readAllPageSize: 2 });
      for (let i = 0; i < 7; i++) await store.appendToStream(`customer-${i % 3}`, [event(`customer-${i % 3}`, `e${i}`)], { expectedRevision: 'any' });
      const log = await store.readAll({ maxCount: 100 });
      expect(log).toHaveLength(7);
      expect(log.map((e) => (e.data as { key: string }).key)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
      expect(await store.readAll({ after: log[2]!.position, maxCount: 3 })).toEqual(log.slice(3, 6));
      expect(await store.headPosition()).toEqual(log[6]!.position);
    });

    it('known exception, pinned: an event id already stored in another stream is written again', async () => {
      const store = open();
      const shared = event('customer-1', 'a');
      await store.appendToStream('customer-1', [shared], { expectedRevision: 'any' });
      await expect(store.appendToStream('customer-2', [shared], { expectedRevision: 'any' })).resolves.toMatchObject({ written: 1 });
      expect((await store.readStream('customer-2')).map((e) => e.id)).toEqual([shared.id]);
    });

    it('limit, pinned: identical appends racing from two processes both succeed and store the events once', async () => {
      // Two store instances stand for two processes: within one store, appends to a stream take turns.
      const [first, second] = [open(), open()];
      for (const [i, expectedRevision] of (['any', 'no-stream'] as const).entries()) {
        const streamId = `customer-race-${i}`;
        const batch = [event(streamId, 'a'), event(streamId, 'b'), event(streamId, 'c')];
        const results = await Promise.all([
          first.appendToStream(streamId, batch, { expectedRevision }),
          second.appendToStream(streamId, batch, { expectedRevision }),
        ]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([2n, 2n]);
        // EventStoreDB answers an idempotent write like the original: the loser may report 3 as well as 0.
        for (const result of results) expect([0, 3]).toContain(result.written);
        expect(results.some((r) => r.written === 3)).toBe(true);
        expect(await first.readStream(streamId)).toHaveLength(3);
      }
    });

    it('known exception, pinned: each stream of a batch is its own write with its own commit position', async () => {
      const store = open();
      await store.appendToStreams([
        { streamId: 'customer-1', events: [event('customer-1', 'a')], expectedRevision: 'any' },
        { streamId: 'customer-2', events: [event('customer-2', 'a')], expectedRevision: 'any' },
      ]);
      const log = await store.readAll({ maxCount: 10 });
      expect(log.map((e) => e.streamId)).toEqual(['customer-1', 'customer-2']);
      expect(log[0]!.position.tx).not.toBe(log[1]!.position.tx);
    });
  });
}

export function event(streamId: string, key: string): EventToAppend {
  return { id: eventIdFor(streamId, key), type: 'Tested', data: { key }, metadata: { key } };
}
