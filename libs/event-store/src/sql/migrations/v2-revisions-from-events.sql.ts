import { EVENTS_TABLE as EVENTS } from '../event-store-tables';

// Frozen once released: a change to the schema or to a function is a new migration.

/*
 * Version 2: a stream's revision is read from its last event, and the unique (stream_id,
 * stream_revision) index of v1 is what refuses a second writer at the same revision. v1 also kept
 * a row per stream in `streams` and rewrote it on every append: a second heap write and index
 * probe per append, which the embedded store's single append could not afford (73% of a raw
 * insert against the 80% target). The functions keep their names, arguments and results.
 */

// Separate from the migrations' one-key advisory lock: two-key locks are another key space.
const STREAM_LOCK_CLASS = 7241;

/**
 * event_store_append, as in v1 (see there for arguments, results and error codes), without the
 * streams table. Writers of one stream take turns on a transaction-scoped advisory lock, taken in
 * stream id order so that two batches cannot deadlock, and read the revision after they hold it:
 * concurrent 'any' appends then wait instead of failing. A writer of the fast path below takes no
 * lock; if it wins the race, the unique index refuses the loser with 23505, and the caller asks again.
 */
const APPEND_FUNCTION_V2 = `
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
  v_count int4 := coalesce(array_length(p_stream_ids, 1), 0);
  v_before int8[] := array_fill(-1::int8, ARRAY[v_count]);
  v_events int8[] := array_fill(0::int8, ARRAY[v_count]);
  v_repeat bool[] := array_fill(false, ARRAY[v_count]);
  v_row record;
BEGIN
  PERFORM pg_advisory_xact_lock(${STREAM_LOCK_CLASS}, hashtext(u.id))
  FROM (SELECT DISTINCT u.id FROM unnest(p_stream_ids) AS u(id) ORDER BY u.id) u;

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
    END IF;
  END LOOP;

  -- Each stream's last revision: one backward probe of the (stream_id, stream_revision) index.
  FOR v_row IN
    SELECT u.ord, last.revision
    FROM unnest(p_stream_ids) WITH ORDINALITY AS u(id, ord)
    CROSS JOIN LATERAL (
      SELECT e.stream_revision AS revision FROM ${EVENTS} e
      WHERE e.stream_id = u.id ORDER BY e.stream_revision DESC LIMIT 1
    ) last
  LOOP
    v_before[v_row.ord] := v_row.revision;
  END LOOP;

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
 * The common case, one stream and at least one event, with no lock and no bookkeeping row: the
 * events go in at the revision after the expected one, and the unique index refuses them if that
 * revision is taken. An exact expectation needs one probe (its revision must exist, else the
 * stream is shorter than expected); 'any' and 'stream-exists' read the last revision. As in v1 it
 * does not tell a conflict from a repeat: LE000 when the expectation does not hold, 23505 when a
 * revision or an event id is taken, and the caller then asks event_store_append.
 */
const APPEND_TO_STREAM_FUNCTION_V2 = `
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
  v_before int8;
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'LE000', MESSAGE = 'not a plain append: ask event_store_append';
  END IF;
  IF p_expected >= 0 THEN
    PERFORM 1 FROM ${EVENTS} e WHERE e.stream_id = p_stream_id AND e.stream_revision = p_expected;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'LE000', MESSAGE = 'not a plain append: ask event_store_append';
    END IF;
    v_before := p_expected;
  ELSIF p_expected = -1 THEN
    v_before := -1;
  ELSE
    SELECT e.stream_revision INTO v_before FROM ${EVENTS} e
    WHERE e.stream_id = p_stream_id ORDER BY e.stream_revision DESC LIMIT 1;
    v_before := coalesce(v_before, -1);
    IF p_expected = -3 AND v_before < 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'LE000', MESSAGE = 'not a plain append: ask event_store_append';
    END IF;
  END IF;
  INSERT INTO ${EVENTS} (stream_id, stream_revision, event_id, type, data, metadata)
  SELECT p_stream_id, v_before + e.ord, e.id, e.type, e.data, e.metadata
  FROM unnest(p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, type, data, metadata, ord)
  ORDER BY e.ord;
  stream_id := p_stream_id;
  revision := v_before + v_count;
  written := v_count;
END
$fn$`;

export const V2_STATEMENTS: readonly string[] = [APPEND_FUNCTION_V2, APPEND_TO_STREAM_FUNCTION_V2, 'DROP TABLE streams'];
