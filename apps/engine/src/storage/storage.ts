import type { EventStore } from '@lifecycle/event-store';
import type { PersonalDataVault, SqlQueryable } from '@lifecycle/privacy';

/** What the engine stands on: the event log and the personal-data key vault, in one database. */
export abstract class Storage {
  /** Where the event log lives. */
  abstract readonly kind: 'embedded' | 'postgres' | 'eventstoredb';
  abstract readonly eventStore: EventStore;
  abstract readonly vault: PersonalDataVault;
  /** Plain statements on the same database (reports, tests, benchmarks); never for event writes. */
  abstract readonly sql: SqlQueryable;
  /** Throws when the database does not answer (readiness). */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
