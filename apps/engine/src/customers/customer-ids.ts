import { fromCustomerStreamId } from '@lifecycle/domain';
import type { EventStore, LogPosition } from '@lifecycle/event-store';

/**
 * Every customer id in the log, in order of first appearance. The EventStore port has no stream
 * listing, so this reads the whole global log: O(events in the log) per call, for the clock tick and
 * the liability report alike. The projections issue replaces it with a due-index read model
 * (customer -> nextDueAt, and balances per currency), after which a tick reads only who is due.
 */
export async function allCustomerIds(eventStore: EventStore, batchSize = 1000): Promise<string[]> {
  const ids = new Set<string>();
  let after: LogPosition | undefined;
  for (;;) {
    const batch = await eventStore.readAll({ after, maxCount: batchSize });
    // A short batch is not the end on Postgres (readAll waits behind open transactions); an empty one is.
    if (batch.length === 0) return [...ids];
    for (const e of batch) {
      const id = fromCustomerStreamId(e.streamId);
      if (id !== undefined) ids.add(id);
    }
    after = batch[batch.length - 1]!.position;
  }
}
