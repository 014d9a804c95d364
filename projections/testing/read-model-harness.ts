import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type CustomerEvent, toCustomerStreamId, upstreamKeyOf } from '@lifecycle/domain';
import { eventIdFor, type EventStore, type EventToAppend } from '@lifecycle/event-store';
import { type ProjectionDefinition, ProjectionRunner, type ReadModels } from '@lifecycle/read-store';
import { embeddedReadModelStores, type ReadModelStores } from '@lifecycle/read-store/testing/read-model-stores';

/**
 * Given/when/then for projections against a real database: one in-memory PGlite per suite with the
 * event store, the read store and a runner hosting the projections under test. `given` appends
 * events the way the engine does (ids from upstream keys, one stream per customer) and returns once
 * the projections have applied them; the test then asks its query.
 */
export interface ReadModelHarness {
  readonly eventStore: EventStore;
  readonly dataSource: DataSource;
  readonly runner: ProjectionRunner;
  given(...events: readonly (CustomerEvent | ForeignEvent)[]): Promise<void>;
  close(): Promise<void>;
}

/** An event of another module in a customer stream (loyalty, say), which a projection may not handle. */
export interface ForeignEvent {
  readonly type: string;
  readonly data: { readonly customerId: string; readonly [field: string]: unknown };
  readonly upstreamKey: string;
}

export async function openReadModelHarness(projections: readonly ProjectionDefinition[], readModels: ReadModels): Promise<ReadModelHarness> {
  return harnessOn(await embeddedReadModelStores(readModels), projections);
}

/** The harness on stores the suite opened (Postgres, say); closing it closes them. */
export async function harnessOn(stores: ReadModelStores, projections: readonly ProjectionDefinition[]): Promise<ReadModelHarness> {
  const { eventStore, dataSource } = stores;
  const runner = new ProjectionRunner({ dataSource, eventStore, projections });
  await runner.start();
  return {
    eventStore,
    dataSource,
    runner,
    async given(...events) {
      const byStream = new Map<string, EventToAppend[]>();
      for (const event of events) {
        const streamId = toCustomerStreamId(event.data.customerId);
        const key = 'upstreamKey' in event ? event.upstreamKey : upstreamKeyOf(event);
        byStream.set(streamId, [...(byStream.get(streamId) ?? []), { id: eventIdFor(streamId, key), type: event.type, data: event.data }]);
      }
      for (const [streamId, appended] of byStream) await eventStore.appendToStream(streamId, appended, { expectedRevision: 'any' });
      await runner.catchUp();
    },
    async close() {
      await runner.stop();
      await stores.close();
    },
  };
}

/** A customer id no other test of the suite uses (they share one log). */
export const newCustomerId = (): string => `c-${randomBytes(5).toString('hex')}`;
