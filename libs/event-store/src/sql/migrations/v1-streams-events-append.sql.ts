import { EVENTS_TABLE as EVENTS } from '../event-store-tables';

// Dropped by v2; named here only.
const STREAMS = 'streams';

// Frozen once released: a change to the schema or to a function is a new migration.

/**
 * Any append, one stream or many, in one round trip: a function call is one statement, so it is
 * atomic without an explicit transaction, and a RAISE undoes all of it.
 *
 * Arguments: streams (ids, expected revisions encoded as >= 0 exact, -1 no-stream, -2 any,
 * -3 stream-exists) and events as parallel arrays, each event naming its stream by 1-based index;
 * then whether to look for repeats first. The caller first tries without (one index probe per
 * event less), and asks again with it when the answer is a conflict or a duplicate id, either of
 * which a repeat could explain. Returns, per stream in the order given, the revision after the
 * append and how many events were written.
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
  p_metadata jsonb[],
  p_find_repeats boolean
) RETURNS TABLE (stream_id text, revision int8, written int8)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  -- Per stream, by its 1-based index: the revision before the append (-1: no stream), the number
  -- of events to write, and whether the whole append to it is a repeat.
  v_count int4 := coalesce(array_length(p_stream_ids, 1), 0);
  v_before int8[] := array_fill(-1::int8, ARRAY[v_count]);
  v_events int8[] := array_fill(0::int8, ARRAY[v_count]);
  v_repeat bool[] := array_fill(false, ARRAY[v_count]);
  v_moving int4 := 0;
  v_ords int8[];
  v_revisions int8[];
  v_row record;
BEGIN
  IF p_find_repeats AND EXISTS (SELECT 1 FROM ${EVENTS} e WHERE e.event_id = ANY (p_event_ids)) THEN
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
        v_repeat[v_row.s] := true;
      ELSIF v_row.stored > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'LE002', MESSAGE = 'some event ids of the append are already stored',
          DETAIL = json_build_object('stream', v_row.s, 'ids', v_row.stored_ids)::text;
      END IF;
    END LOOP;
  END IF;

  FOR v_row IN SELECT e.s, count(*) AS n FROM unnest(p_event_streams) AS e(s) GROUP BY e.s LOOP
    IF NOT v_repeat[v_row.s] THEN
      v_events[v_row.s] := v_row.n;
      v_moving := v_moving + 1;
    END IF;
  END LOOP;

  -- Move every stream that gets events in one pass: create it, or lock and advance it. Rows are
  -- taken in stream id order, the same for every writer, so two batches cannot deadlock. The
  -- expectations are checked afterwards against the revisions found; a miss raises, and the
  -- raise undoes the moves.
  WITH moved AS (
    INSERT INTO ${STREAMS} AS s (stream_id, revision)
    SELECT u.stream_id, v_events[u.ord] - 1
    FROM unnest(p_stream_ids) WITH ORDINALITY AS u(stream_id, ord)
    WHERE v_events[u.ord] > 0
    ORDER BY u.stream_id
    ON CONFLICT (stream_id) DO UPDATE SET revision = s.revision + excluded.revision + 1
    RETURNING s.stream_id, s.revision
  )
  SELECT array_agg(u.ord), array_agg(m.revision - v_events[u.ord])
    INTO v_ords, v_revisions
  FROM moved m JOIN unnest(p_stream_ids) WITH ORDINALITY AS u(stream_id, ord) ON u.stream_id = m.stream_id;
  FOR i IN 1 .. v_moving LOOP
    v_before[v_ords[i]] := v_revisions[i];
  END LOOP;

  -- Streams without events to write (an empty append, a repeat) are only looked at.
  IF v_moving < v_count THEN
    FOR v_row IN
      SELECT u.ord, s.revision
      FROM unnest(p_stream_ids) WITH ORDINALITY AS u(stream_id, ord)
      JOIN ${STREAMS} s ON s.stream_id = u.stream_id
      WHERE v_events[u.ord] = 0
    LOOP
      v_before[v_row.ord] := v_row.revision;
    END LOOP;
  END IF;

  SELECT r.ord, v_before[r.ord] AS actual INTO v_row
  FROM unnest(p_expected) WITH ORDINALITY AS r(expected, ord)
  WHERE NOT v_repeat[r.ord]
    AND CASE
          WHEN r.expected = -2 THEN false
          WHEN r.expected = -1 THEN v_before[r.ord] >= 0
          WHEN r.expected = -3 THEN v_before[r.ord] < 0
          ELSE v_before[r.ord] <> r.expected
        END
  ORDER BY r.ord
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'LE001', MESSAGE = 'wrong expected revision',
      DETAIL = json_build_object('stream', v_row.ord, 'actual', nullif(v_row.actual, -1)::text)::text;
  END IF;

  -- Sorted so that global positions follow the order of the append.
  INSERT INTO ${EVENTS} (stream_id, stream_revision, event_id, type, data, metadata)
  SELECT p_stream_ids[e.s], v_before[e.s] + row_number() OVER (PARTITION BY e.s ORDER BY e.ord),
         e.id, e.type, e.data, e.metadata
  FROM unnest(p_event_streams, p_event_ids, p_types, p_data, p_metadata)
         WITH ORDINALITY AS e(s, id, type, data, metadata, ord)
  WHERE NOT v_repeat[e.s]
  ORDER BY e.ord;

  RETURN QUERY
  SELECT u.stream_id, v_before[u.ord] + v_events[u.ord], v_events[u.ord]
  FROM unnest(p_stream_ids) WITH ORDINALITY AS u(stream_id, ord)
  ORDER BY u.ord;
END
$fn$`;

/**
 * The common case, one stream and at least one event, in one SQL statement: move the stream row
 * (the statement chosen by the expectation does the revision check, and takes the row lock) and
 * insert the events after it. It does not tell a conflict from a repeat: it fails with LE000
 * when the stream did not move and with 23505 when an event id is already stored, and the caller
 * then asks event_store_append, which can tell. Nothing is written in either case.
 */
const APPEND_TO_STREAM_FUNCTION_V1 = `
CREATE OR REPLACE FUNCTION event_store_append_to_stream(
  p_stream_id text,
  p_expected int8,
  p_event_ids uuid[],
  p_types text[],
  p_data jsonb[],
  p_metadata jsonb[],
  OUT stream_id text,
  OUT revision int8,
  OUT written int8
) LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_count int8 := cardinality(p_event_ids);
  v_inserted int8;
  v_revision int8;
BEGIN
  IF p_expected = -2 THEN
    WITH moved AS (
      INSERT INTO ${STREAMS} AS s (stream_id, revision) VALUES (p_stream_id, v_count - 1)
      ON CONFLICT (stream_id) DO UPDATE SET revision = s.revision + v_count
      RETURNING s.revision
    ), appended AS (
      INSERT INTO ${EVENTS} (stream_id, stream_revision, event_id, type, data, metadata)
      SELECT p_stream_id, m.revision - v_count + e.ord, e.id, e.type, e.data, e.metadata
      FROM moved m, unnest(p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, type, data, metadata, ord)
      ORDER BY e.ord
      RETURNING stream_revision
    )
    SELECT count(*), max(a.stream_revision) INTO v_inserted, v_revision FROM appended a;
  ELSIF p_expected = -1 THEN
    WITH moved AS (
      INSERT INTO ${STREAMS} AS s (stream_id, revision) VALUES (p_stream_id, v_count - 1)
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING s.revision
    ), appended AS (
      INSERT INTO ${EVENTS} (stream_id, stream_revision, event_id, type, data, metadata)
      SELECT p_stream_id, m.revision - v_count + e.ord, e.id, e.type, e.data, e.metadata
      FROM moved m, unnest(p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, type, data, metadata, ord)
      ORDER BY e.ord
      RETURNING stream_revision
    )
    SELECT count(*), max(a.stream_revision) INTO v_inserted, v_revision FROM appended a;
  ELSE
    -- -3 (stream-exists) or an exact revision: only an existing row can move.
    WITH moved AS (
      UPDATE ${STREAMS} AS s SET revision = s.revision + v_count
      WHERE s.stream_id = p_stream_id AND (p_expected = -3 OR s.revision = p_expected)
      RETURNING s.revision
    ), appended AS (
      INSERT INTO ${EVENTS} (stream_id, stream_revision, event_id, type, data, metadata)
      SELECT p_stream_id, m.revision - v_count + e.ord, e.id, e.type, e.data, e.metadata
      FROM moved m, unnest(p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, type, data, metadata, ord)
      ORDER BY e.ord
      RETURNING stream_revision
    )
    SELECT count(*), max(a.stream_revision) INTO v_inserted, v_revision FROM appended a;
  END IF;
  IF v_inserted < v_count OR v_count = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'LE000', MESSAGE = 'not a plain append: ask event_store_append';
  END IF;
  stream_id := p_stream_id;
  revision := v_revision;
  written := v_count;
END
$fn$`;

export const V1_STATEMENTS: readonly string[] = [
  // Every append rewrites its stream's row; free room in each page lets Postgres do that in
  // place (a HOT update) without touching the primary key index.
  `CREATE TABLE ${STREAMS} (
     stream_id text PRIMARY KEY,
     revision bigint NOT NULL CHECK (revision >= 0)
   ) WITH (fillfactor = 70)`,
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
  APPEND_TO_STREAM_FUNCTION_V1,
];
