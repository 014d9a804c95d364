export * from './event-store';
export { eventIdFor, EVENT_ID_NAMESPACE } from './event-id';
export { readLogPages, type ReadLogPagesOptions } from './read-log-pages';
export { DEFAULT_BATCH_SIZE, DEFAULT_POLL_INTERVAL_MS } from './polling-subscription';
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './memory/in-memory-event-store';
export {
  EmbeddedDatabase,
  EmbeddedDatabaseClosedError,
  EmbeddedDatabaseReentryError,
} from './pglite/embedded-database';
export { createEmbeddedEventStore } from './pglite/embedded-event-store';
export { pgliteSqlClient } from './pglite/pglite-sql-client';
export { connectPostgresEventStore, createPostgresEventStore } from './postgres/postgres-event-store';
export { pgPoolSqlClient } from './postgres/pg-pool-sql-client';
export type { SqlEventStoreOptions } from './sql/sql-event-store';
export type { SqlClient } from './sql/sql-client';
export { EVENT_STORE_MIGRATIONS, migrateEventStore, type Migration } from './sql/event-store.migrations';
export { APPEND_SQL, appendStatement } from './sql/append-to-streams.sql';
export { HEAD_POSITION_SQL, READ_ALL_SQL } from './sql/read-all.sql';
export {
  EVENT_COLUMNS,
  EVENTS_TABLE,
  MIGRATIONS_TABLE,
  rawInsertSql,
  rawScanSql,
} from './sql/event-store-tables';
export {
  connectEventStoreDbEventStore,
  createEventStoreDbEventStore,
  EventStoreDbEventStore,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb/eventstoredb-event-store';
