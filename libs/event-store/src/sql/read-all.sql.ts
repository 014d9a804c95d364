import { LogPosition, ReadAllOptions, RecordedEvent, START } from '../event-store';
import { EVENTS_TABLE } from './event-store-tables';
import { SqlClient, toBigInt } from './sql-client';

/**
 * The gap-safe read. Positions come from a sequence, so on Postgres a transaction can commit a
 * lower position after a reader has already passed it. Instead, every row carries its writer's
 * transaction id, and a reader only takes rows from transactions older than the oldest one still
 * in flight (the xmin of its snapshot): those can no longer gain rows. The log is ordered and
 * checkpointed by (transaction id, position), so nothing later can sort before a checkpoint.
 * The price: one long-open transaction anywhere in the cluster holds every reader back until it ends.
 */
const READ_ALL_FROM = `FROM ${EVENTS_TABLE} e
WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::int8)
  AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY e.transaction_id, e.global_position
LIMIT $3`;

// int8 columns go out as text (see sql-client.ts); ORDER BY names the table's columns, not those.
export const READ_ALL_SQL = `SELECT transaction_id, global_position::text, stream_id, stream_revision::text, event_id, type, data, metadata, recorded_at
${READ_ALL_FROM}`;

export const READ_ALL_PAGE_SQL = pageAsJson(`SELECT e.* ${READ_ALL_FROM}`, 'p.transaction_id, p.global_position');

export const HEAD_POSITION_SQL = `SELECT transaction_id, global_position::text
FROM ${EVENTS_TABLE} e
WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY e.transaction_id DESC, e.global_position DESC
LIMIT 1`;

/** The last committed event, before the gap-safe filter: what a reader will see once older transactions end. */
export const COMMITTED_HEAD_SQL = `SELECT transaction_id, global_position::text
FROM ${EVENTS_TABLE} e
ORDER BY e.transaction_id DESC, e.global_position DESC
LIMIT 1`;

/**
 * The same rows as one text value, for clients that set `pagesAsJson`: a JSON array of
 * [tx, position, stream, revision, id, type, data, metadata, recorded_at] arrays. Every int8 and
 * the xid8 travel as JSON strings, so they stay exact; `recorded_at` as its text output, given to
 * `new Date` as PGlite's own timestamptz parser does, so the Date is the same to the millisecond. The aggregate sorts again because a subquery's order
 * does not carry into an aggregate unless it is asked for.
 */
export function pageAsJson(rowsSql: string, orderBy: string): string {
  return `SELECT coalesce(json_agg(json_build_array(p.transaction_id::text, p.global_position::text, p.stream_id,
  p.stream_revision::text, p.event_id, p.type, p.data, p.metadata, p.recorded_at::text) ORDER BY ${orderBy}), '[]')::text AS page
FROM (${rowsSql}) p`;
}

export interface EventRow {
  transaction_id: unknown;
  global_position: unknown;
  stream_id: string;
  stream_revision: unknown;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

type PageRow = [tx: string, pos: string, streamId: string, revision: string, id: string, type: string, data: unknown, metadata: Record<string, unknown>, recordedAt: string];

export async function readAll(client: SqlClient, { after = START, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
  const params = [after.tx.toString(), after.pos.toString(), maxCount];
  if (client.pagesAsJson) return readPage(client, READ_ALL_PAGE_SQL, params);
  const rows = await client.query<EventRow>(READ_ALL_SQL, params);
  return rows.map(toRecordedEvent);
}

/** One value and one JSON.parse per page: the whole point of `pageAsJson`. */
export async function readPage(client: SqlClient, sql: string, params: readonly unknown[]): Promise<RecordedEvent[]> {
  const [row] = await client.query<{ page: string }>(sql, params);
  const page = JSON.parse(row!.page) as PageRow[];
  const events = new Array<RecordedEvent>(page.length);
  for (let i = 0; i < page.length; i++) {
    const [tx, pos, streamId, revision, id, type, data, metadata, recordedAt] = page[i]!;
    events[i] = {
      id,
      type,
      data,
      metadata,
      streamId,
      revision: BigInt(revision),
      position: { tx: BigInt(tx), pos: BigInt(pos) },
      recordedAt: new Date(recordedAt),
    };
  }
  return events;
}

export async function headPosition(client: SqlClient, sql = HEAD_POSITION_SQL): Promise<LogPosition> {
  const [row] = await client.query<Pick<EventRow, 'transaction_id' | 'global_position'>>(sql);
  return row ? { tx: toBigInt(row.transaction_id), pos: toBigInt(row.global_position) } : START;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: toBigInt(row.stream_revision),
    position: { tx: toBigInt(row.transaction_id), pos: toBigInt(row.global_position) },
    recordedAt: row.recorded_at,
  };
}
