// Any constant will do, as long as nothing else in the database locks it.
const MIGRATION_LOCK = '7241946113052418';

/**
 * Keys live outside the event log, in a table of their own. A key is stored wrapped with the
 * master key, so the raw table never holds a usable key; erasure clears the wrapped key and keeps
 * a tombstone, so that a destroyed key is never silently recreated.
 *
 * One DO block, so that it is one statement in one transaction on pg.Pool and PGlite alike: two
 * processes starting at once on a fresh Postgres would otherwise race on CREATE TABLE IF NOT EXISTS
 * (a duplicate key in pg_type). The advisory lock makes the second wait, then find the tables.
 */
export const PRIVACY_MIGRATION = `DO $migrate$ BEGIN
  PERFORM pg_advisory_xact_lock(${MIGRATION_LOCK});
  CREATE TABLE IF NOT EXISTS personal_data_keys (
    customer_id text PRIMARY KEY,
    key_id uuid NOT NULL,
    wrapped_key bytea,
    created_at timestamptz NOT NULL,
    destroyed_at timestamptz
  );
  CREATE TABLE IF NOT EXISTS pii_access_log (
    id bigserial PRIMARY KEY,
    actor text NOT NULL,
    customer_id text NOT NULL,
    purpose text NOT NULL,
    accessed_at timestamptz NOT NULL
  );
  CREATE INDEX IF NOT EXISTS pii_access_log_customer ON pii_access_log (customer_id, accessed_at);
END $migrate$`;
