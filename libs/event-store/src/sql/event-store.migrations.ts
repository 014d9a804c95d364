import { MIGRATIONS_TABLE } from './event-store-tables';
import { V1_STATEMENTS } from './migrations/v1-streams-events-append.sql';
import { V2_STATEMENTS } from './migrations/v2-revisions-from-events.sql';
import { SqlClient } from './sql-client';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One statement each: PGlite's parameterised query takes no more. */
  readonly statements: readonly string[];
}

/** Append-only: a released migration is never edited; a change is a new version. */
export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'streams, events, and the append functions', statements: V1_STATEMENTS },
  { version: 2, name: 'revisions from the events table; no streams table', statements: V2_STATEMENTS },
];

// Any constant will do, as long as nothing else in the database uses it.
const MIGRATION_LOCK = '7241946113052417';

/**
 * Brings the schema to the latest version; returns the versions applied by this call. Safe when
 * two processes start at once: the whole run holds a transaction-scoped advisory lock, so the
 * second waits, then finds nothing left to do. (On PGlite the lock is trivially free.)
 */
export async function migrateEventStore(client: SqlClient): Promise<number[]> {
  return client.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      version int PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE}`);
    const applied = new Set(rows.map((row) => Number(row.version)));
    const appliedNow: number[] = [];
    for (const migration of EVENT_STORE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      appliedNow.push(migration.version);
    }
    return appliedNow;
  });
}
