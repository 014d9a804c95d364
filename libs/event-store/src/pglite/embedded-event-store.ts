import { EventStore } from '../event-store';
import { openSqlEventStore, SqlEventStoreOptions } from '../sql/sql-event-store';
import { EmbeddedDatabase } from './embedded-database';
import { pgliteSqlClient } from './pglite-sql-client';

/**
 * The default adapter: the SQL event store on the process's PGlite. The caller owns `db`;
 * closing the store stops its subscriptions and leaves the database open for its other users.
 */
export function createEmbeddedEventStore(db: EmbeddedDatabase, options: SqlEventStoreOptions = {}): Promise<EventStore> {
  return openSqlEventStore(pgliteSqlClient(db), options);
}
