import { EVENTS_TABLE as EVENTS, MIGRATIONS_TABLE, STREAMS_TABLE as STREAMS } from './event-store-tables';
import { SqlClient } from './sql-client';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One statement each: PGlite's parameterised query takes no more. */
  readonly statements: readonly string[];
}

/**
 * Everything an append does, in one round trip: a function call is one statement, so it is atomic
 * without an explicit transaction, and a RAISE undoes all of it.
 *
 * Arguments: streams (ids, expected revisions encoded as >= 0 exact, -1 no-stream, -2 any,
 * -3 stream-exists) and events as parallel arrays, each event naming its stream by 1-based index.
 * Returns, per stream in the order given, the revision after the append and how many were written.
 *
 * Errors (SQLSTATE, DETAIL is JSON naming the stream by index):
 *   LE001 wrong expected revision {stream, actual}; LE002 some ids already stored in that stream
 *   {stream, ids}; LE003 ids stored in another stream {stream, ids}. A 23505 (unique violation)
 *   or 40P01 (deadlock) means a concurrent writer got there first: calling again gives the answer.
 */
const APPEND_FUNCTION_V1 = `
CREATE OR REPLACE FUNCTION event_store_append(
  p_stream_ids text[],
  p_expected int8[],
  p_event_streams int4[],
  p_event_ids uuid[],
  p_types text[],
  p_data jsonb[],
  p_metadata jsonb[]
) RETURNS TABLE (stream_id text, revision int8, written int8)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_repeats int8[] := '{}';
  v_locked_ids text[];
  v_locked_revisions int8[];
  v_row record;
BEGIN
  -- Repeats are recognised before revisions are checked: a retried append succeeds whatever it
  -- expected. The classification only runs when some id is already stored.
  IF EXISTS (SELECT 1 FROM ${EVENTS} e WHERE e.event_id = ANY (p_event_ids)) THEN
    FOR v_row IN
      SELECT i.s,
             count(*) AS total,
             count(e.event_id) AS stored,
             array_agg(i.id) FILTER (WHERE e.event_id IS NOT NULL) AS stored_ids,
             array_agg(i.id) FILTER (WHERE e.stream_id <> p_stream_ids[i.s]) AS elsewhere_ids
      FROM unnest(p_event_streams, p_event_ids) AS i(s, id)
      LEFT JOIN ${EVENTS} e ON e.event_id = i.id
      GROUP BY i.s
      ORDER BY i.s
    LOOP
      IF v_row.elsewhere_ids IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'LE003', MESSAGE = 'event ids are stored in another stream',
          DETAIL = json_build_object('stream', v_row.s, 'ids', v_row.elsewhere_ids)::text;
      ELSIF v_row.stored = v_row.total THEN
        v_repeats := v_repeats || v_row.s::int8;
      ELSIF v_row.stored > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'LE002', MESSAGE = 'some event ids of the append are already stored',
          DETAIL = json_build_object('stream', v_row.s, 'ids', v_row.stored_ids)::text;
      END IF;
    END LOOP;
  END IF;

  -- Lock the streams that exist, in one order for every writer so that two multi-stream appends
  -- cannot deadlock, and read their revisions in the same statement: a row locked here cannot
  -- move until we commit. A stream that does not exist yet is created by a plain INSERT below,
  -- which fails with 23505 if a concurrent writer creates it first.
  SELECT coalesce(array_agg(l.stream_id), '{}'), coalesce(array_agg(l.revision), '{}')
    INTO v_locked_ids, v_locked_revisions
  FROM (SELECT s.stream_id, s.revision FROM ${STREAMS} s
        WHERE s.stream_id = ANY (p_stream_ids) ORDER BY s.stream_id FOR UPDATE) l;

  SELECT r.ord, l.revision AS actual INTO v_row
  FROM unnest(p_stream_ids, p_expected) WITH ORDINALITY AS r(stream_id, expected, ord)
  LEFT JOIN unnest(v_locked_ids, v_locked_revisions) AS l(stream_id, revision) ON l.stream_id = r.stream_id
  WHERE r.ord <> ALL (v_repeats)
    AND CASE
          WHEN r.expected = -2 THEN false
          WHEN r.expected = -1 THEN l.revision IS NOT NULL
          WHEN r.expected = -3 THEN l.revision IS NULL
          ELSE l.revision IS DISTINCT FROM r.expected
        END
  ORDER BY r.ord
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'LE001', MESSAGE = 'wrong expected revision',
      DETAIL = json_build_object('stream', v_row.ord, 'actual', v_row.actual::text)::text;
  END IF;

  RETURN QUERY
  WITH plan AS (
    SELECT r.ord, r.stream_id, l.revision AS current, coalesce(c.n, 0) AS n
    FROM unnest(p_stream_ids) WITH ORDINALITY AS r(stream_id, ord)
    LEFT JOIN unnest(v_locked_ids, v_locked_revisions) AS l(stream_id, revision) ON l.stream_id = r.stream_id
    LEFT JOIN (SELECT i.s, count(*) AS n FROM unnest(p_event_streams) AS i(s) GROUP BY i.s) c
      ON c.s = r.ord AND r.ord <> ALL (v_repeats)
  ),
  moved AS (
    UPDATE ${STREAMS} s SET revision = p.current + p.n
    FROM plan p
    WHERE s.stream_id = p.stream_id AND p.current IS NOT NULL AND p.n > 0
  ),
  created AS (
    INSERT INTO ${STREAMS} (stream_id, revision)
    SELECT p.stream_id, p.n - 1 FROM plan p WHERE p.current IS NULL AND p.n > 0
  ),
  appended AS (
    -- Sorted so that global positions follow the order of the append.
    INSERT INTO ${EVENTS} (stream_id, stream_revision, event_id, type, data, metadata)
    SELECT p.stream_id, coalesce(p.current, -1) + row_number() OVER (PARTITION BY e.s ORDER BY e.ord),
           e.id, e.type, e.data, e.metadata
    FROM unnest(p_event_streams, p_event_ids, p_types, p_data, p_metadata)
           WITH ORDINALITY AS e(s, id, type, data, metadata, ord)
    JOIN plan p ON p.ord = e.s AND p.n > 0
    ORDER BY e.ord
  )
  SELECT p.stream_id, coalesce(p.current, -1) + p.n, p.n FROM plan p ORDER BY p.ord;
END
$fn$`;

/**
 * Append-only list: a released migration is never edited, a change is a new version (the append
 * function is replaced with CREATE OR REPLACE).
 */
export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'streams, events, and the append function',
    statements: [
      `CREATE TABLE ${STREAMS} (
         stream_id text PRIMARY KEY,
         revision bigint NOT NULL CHECK (revision >= 0)
       )`,
      // The primary key is the global log order: readAll walks it, so it is the only extra index
      // besides the two uniqueness rules.
      `CREATE TABLE ${EVENTS} (
         global_position bigserial NOT NULL,
         transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
         stream_id text NOT NULL,
         stream_revision bigint NOT NULL,
         event_id uuid NOT NULL,
         type text NOT NULL,
         data jsonb NOT NULL,
         metadata jsonb NOT NULL DEFAULT '{}',
         recorded_at timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT ${EVENTS}_log_order PRIMARY KEY (transaction_id, global_position),
         CONSTRAINT ${EVENTS}_stream_revision UNIQUE (stream_id, stream_revision),
         CONSTRAINT ${EVENTS}_event_id UNIQUE (event_id)
       )`,
      APPEND_FUNCTION_V1,
    ],
  },
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
