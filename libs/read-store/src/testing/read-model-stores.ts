import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createEmbeddedEventStore, createPostgresEventStore, EmbeddedDatabase, type EventStore } from '@lifecycle/event-store';
import { createTestDatabase } from '@lifecycle/testing';
import { openEmbeddedReadStore, openPostgresReadStore, type ReadModels } from '../data-source/read-store-data-source';

/**
 * An event store and a read store on one database, as the contract suites of read models open them
 * once per adapter; `close` closes both and what they run on.
 */
export interface ReadModelStores {
  readonly eventStore: EventStore;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

/** On PGlite: in memory, or in `dataDir` (a suite that reopens the same files). */
export async function embeddedReadModelStores(readModels: ReadModels, dataDir?: string): Promise<ReadModelStores> {
  const db = await EmbeddedDatabase.open(dataDir);
  const eventStore = await createEmbeddedEventStore(db);
  return stores(eventStore, await openEmbeddedReadStore(db, readModels), () => db.close());
}

/** On the Postgres database at `url`, which the caller owns. */
export async function postgresReadModelStores(url: string, readModels: ReadModels, poolSize = 4): Promise<ReadModelStores> {
  const pool = new Pool({ connectionString: url, max: poolSize });
  const eventStore = await createPostgresEventStore(pool);
  return stores(eventStore, await openPostgresReadStore(url, readModels), () => pool.end());
}

/** `close` closes the read store, then the event store, then what both run on. */
function stores(eventStore: EventStore, dataSource: DataSource, closeBase: () => Promise<void>): ReadModelStores {
  return {
    eventStore,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await eventStore.close();
      await closeBase();
    },
  };
}

/** On a fresh Postgres database of its own, dropped by `close`. */
export async function freshPostgresReadModelStores(prefix: string, readModels: ReadModels): Promise<ReadModelStores> {
  const database = await createTestDatabase(prefix);
  const stores = await postgresReadModelStores(database.url, readModels);
  return {
    ...stores,
    close: async () => {
      await stores.close();
      await database.drop();
    },
  };
}
