import { eventStoreContract } from '../testing/event-store.contract';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('in-memory', async () => {
  const store = new InMemoryEventStore({ pollIntervalMs: 10 });
  return { store, cleanup: () => store.close() };
});
