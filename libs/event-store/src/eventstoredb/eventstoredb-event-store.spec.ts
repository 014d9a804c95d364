import { WrongExpectedRevisionError } from '../event-store';
import { eventStoreContract } from '../testing/event-store.contract';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';
import { event, eventStoreDbAdapterSuite } from './testing/eventstoredb-adapter.suite';
import { EVENTSTOREDB_KNOWN_EXCEPTIONS, withKnownExceptions } from './testing/known-exceptions';
import { SimulatedEventStoreDb } from './testing/simulated-eventstoredb';

// No EventStoreDB runs here or in CI, so the adapter's own logic runs against a simulated client
// (see SimulatedEventStoreDb: it models the server's documented behaviour; it is not the server).
// The same suites run against a real server in eventstoredb-event-store.int-spec.ts when
// EVENTSTORE_URL is set.
describe('EventStoreDB adapter on a simulated client (not a real EventStoreDB)', () => {
  const server = new SimulatedEventStoreDb();
  let n = 0;
  const namespace = (): string => `sim-${++n}/`;

  withKnownExceptions('EventStoreDB', EVENTSTOREDB_KNOWN_EXCEPTIONS, () =>
    eventStoreContract('eventstoredb (simulated client)', async () => {
      const store = createEventStoreDbEventStore(server, { streamPrefixes: [''], namespace: namespace(), readAllPageSize: 7 });
      return { store, cleanup: () => store.close() };
    }),
  );

  eventStoreDbAdapterSuite('simulated client', () => server, namespace);

  describe('another writer between the check and the write', () => {
    afterEach(() => {
      server.beforeAppend = undefined;
    });

    it("'any' reads again and lands after the other writer's event", async () => {
      const ns = namespace();
      const store = createEventStoreDbEventStore(server, { streamPrefixes: ['customer-'], namespace: ns });
      await store.appendToStream('customer-1', [event('customer-1', 'a')], { expectedRevision: 'any' });
      let interfered = false;
      server.beforeAppend = (stream) => {
        if (interfered || stream !== `${ns}customer-1`) return;
        interfered = true;
        server.writeNow(stream, [{ id: event('customer-1', 'other').id, type: 'Tested', contentType: 'application/json', data: { key: 'other' }, metadata: {} }]);
      };
      expect(await store.appendToStream('customer-1', [event('customer-1', 'b')], { expectedRevision: 'any' })).toEqual({
        streamId: 'customer-1',
        nextExpectedRevision: 2n,
        written: 1,
      });
      expect((await store.readStream('customer-1')).map((e) => (e.data as { key: string }).key)).toEqual(['a', 'other', 'b']);
    });

    it('an exact revision overtaken in between is refused with the actual revision', async () => {
      const ns = namespace();
      const store = createEventStoreDbEventStore(server, { streamPrefixes: ['customer-'], namespace: ns });
      await store.appendToStream('customer-1', [event('customer-1', 'a')], { expectedRevision: 'no-stream' });
      server.beforeAppend = (stream) => {
        server.beforeAppend = undefined;
        server.writeNow(stream, [{ id: event('customer-1', 'other').id, type: 'Tested', contentType: 'application/json', data: {}, metadata: {} }]);
      };
      await expect(store.appendToStream('customer-1', [event('customer-1', 'b')], { expectedRevision: 0n })).rejects.toMatchObject({
        name: 'WrongExpectedRevisionError',
        streamId: 'customer-1',
        expected: 0n,
        actual: 1n,
      });
    });

    it('a batch whose later stream is overtaken after an earlier one was written: reported, and repeating the batch completes it', async () => {
      const ns = namespace();
      const warnings: string[] = [];
      const store = createEventStoreDbEventStore(server, { streamPrefixes: ['customer-'], namespace: ns, onPartialBatch: (m) => warnings.push(m) });
      server.beforeAppend = (stream) => {
        if (stream !== `${ns}customer-b`) return;
        server.beforeAppend = undefined;
        server.writeNow(stream, [{ id: event('customer-b', 'other').id, type: 'Tested', contentType: 'application/json', data: {}, metadata: {} }]);
      };
      const batch = (expectedRevision: 'no-stream' | 'any') => [
        { streamId: 'customer-a', events: [event('customer-a', 'x')], expectedRevision },
        { streamId: 'customer-b', events: [event('customer-b', 'x')], expectedRevision },
      ];
      const failed = store.appendToStreams(batch('no-stream'));
      await expect(failed).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(failed).rejects.toMatchObject({ streamId: 'customer-b', expected: 'no-stream', actual: 0n });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/after writing customer-a/);
      expect(await store.readStream('customer-a')).toHaveLength(1);
      // The caller re-decides and repeats: the written stream is a repeat, the other one is written.
      expect(await store.appendToStreams(batch('any'))).toEqual([
        { streamId: 'customer-a', nextExpectedRevision: 0n, written: 0 },
        { streamId: 'customer-b', nextExpectedRevision: 1n, written: 1 },
      ]);
    });

    it('a batch whose first stream is overtaken is read again and re-decided with nothing written', async () => {
      const ns = namespace();
      const store = createEventStoreDbEventStore(server, { streamPrefixes: ['customer-'], namespace: ns });
      server.beforeAppend = (stream) => {
        server.beforeAppend = undefined;
        server.writeNow(stream, [{ id: event('customer-a', 'other').id, type: 'Tested', contentType: 'application/json', data: {}, metadata: {} }]);
      };
      const failed = store.appendToStreams([
        { streamId: 'customer-a', events: [event('customer-a', 'x')], expectedRevision: 'no-stream' },
        { streamId: 'customer-b', events: [event('customer-b', 'x')], expectedRevision: 'no-stream' },
      ]);
      await expect(failed).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: 'customer-a', actual: 0n });
      expect(await store.readStream('customer-b')).toEqual([]);
    });
  });
});
