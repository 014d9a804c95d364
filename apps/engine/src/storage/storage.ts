import type { EventStore } from '@lifecycle/event-store';
import type { PersonalDataVault, SqlQueryable } from '@lifecycle/privacy';
import type { DataSource } from 'typeorm';

/** What the engine stands on: the event log, the personal-data key vault and the read models, in one database. */
export abstract class Storage {
  /** Where the event log lives. */
  abstract readonly kind: 'embedded' | 'postgres' | 'eventstoredb';
  abstract readonly eventStore: EventStore;
  abstract readonly vault: PersonalDataVault;
  /**
   * The read models (every family's tables, migrated): a TypeORM DataSource on the same PGlite
   * (embedded) or a pool of its own on DATABASE_URL (postgres; eventstoredb keeps them in Postgres).
   * On PGlite, mind the one rule: inside a transaction on it, wait for nothing else on the database.
   */
  abstract readonly readStore: DataSource;
  /** Plain statements on the same database (reports, tests, benchmarks); never for event writes. */
  abstract readonly sql: SqlQueryable;
  /** Throws when the database does not answer (readiness). */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
