/**
 * The table shape, named once for the SQL modules and for benchmarks that compare the store with
 * raw SQL on the same tables.
 */
export const EVENTS_TABLE = 'events';
export const MIGRATIONS_TABLE = 'event_store_migrations';

/** The columns a raw insert has to fill; the rest have defaults (position, transaction id, time). */
export const EVENT_COLUMNS = ['stream_id', 'stream_revision', 'event_id', 'type', 'data', 'metadata'] as const;

/**
 * Benchmark baseline: insert rows straight into the events table, one array per column (text[],
 * int8[], uuid[], text[], jsonb[] as JSON text, jsonb[] as JSON text). Bypasses every check the
 * store makes; rows must still have fresh event ids and (stream, revision) pairs.
 */
export const rawInsertSql = `INSERT INTO ${EVENTS_TABLE} (${EVENT_COLUMNS.join(', ')})
SELECT * FROM unnest($1::text[], $2::int8[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])`;

/**
 * Benchmark baseline for readAll: one page of the same columns in the same order, through the same
 * index, without the gap-safe filter ($1 transaction id as text, $2 position, $3 page size).
 */
export const rawScanSql = `SELECT transaction_id, global_position, stream_id, stream_revision, event_id, type, data, metadata, recorded_at
FROM ${EVENTS_TABLE}
WHERE (transaction_id, global_position) > ($1::xid8, $2::int8)
ORDER BY transaction_id, global_position
LIMIT $3`;
