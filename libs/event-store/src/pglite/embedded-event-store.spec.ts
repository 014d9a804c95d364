import { EVENTS_TABLE } from '../sql/event-store-tables';
import { eventStoreContract } from '../testing/event-store.contract';
import { EmbeddedDatabase } from './embedded-database';
import { createEmbeddedEventStore } from './embedded-event-store';

// One in-memory PGlite for the file (starting one takes seconds); each test gets emptied tables.
let db: EmbeddedDatabase;
beforeAll(async () => {
  db = await EmbeddedDatabase.open();
});
afterAll(() => db.close());

eventStoreContract('embedded (PGlite)', async () => {
  const store = await createEmbeddedEventStore(db, { pollIntervalMs: 10 });
  await db.query(`TRUNCATE ${EVENTS_TABLE} RESTART IDENTITY`);
  return { store, cleanup: () => store.close() };
});
