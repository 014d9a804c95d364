import { LogPosition, LogWindow, ReadAllOptions, ReadWindowOptions, RecordedEvent, START } from '../event-store';
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

/** The columns of an event row as `toRecordedEvent` takes them: int8 columns as text (see sql-client.ts). */
const rowColumns = (t: string): string =>
  `${t}.transaction_id, ${t}.global_position::text, ${t}.stream_id, ${t}.stream_revision::text, ${t}.event_id, ${t}.type, ${t}.data, ${t}.metadata, ${t}.recorded_at`;

// ORDER BY names the table's columns, not the text ones selected.
export const READ_ALL_SQL = `SELECT ${rowColumns('e')}
${READ_ALL_FROM}`;

export const READ_ALL_PAGE_SQL = pageAsJson(`SELECT e.* ${READ_ALL_FROM}`, 'p.transaction_id, p.global_position');

/**
 * A window of the log, as `readAll` would read it, keeping only some event types: the skipped rows
 * are counted and passed, but never built into results (on the CDNOW log, 43% of the events and
 * 60% of the bytes are PointsEarned, which no projection reads). One statement, so that what the
 * window covered and what it kept come from the same snapshot.
 */
const WINDOW = `WITH w AS MATERIALIZED (SELECT e.* ${READ_ALL_FROM}),
last AS (SELECT transaction_id, global_position FROM w ORDER BY transaction_id DESC, global_position DESC LIMIT 1),
covered AS (SELECT (SELECT count(*)::int FROM w) AS scanned, (SELECT transaction_id::text FROM last) AS last_tx, (SELECT global_position::text FROM last) AS last_pos)`;

const KEPT = 'SELECT * FROM w WHERE w.type = ANY($4::text[])';

export const READ_WINDOW_PAGE_SQL = `${WINDOW}
SELECT c.*, (${pageAsJson(KEPT, 'p.transaction_id, p.global_position')}) AS page FROM covered c`;

export const READ_WINDOW_SQL = `${WINDOW}
SELECT ${rowColumns('k')}, c.*
FROM covered c LEFT JOIN (${KEPT}) k ON true
ORDER BY k.transaction_id, k.global_position`;

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

export async function readWindow(client: SqlClient, { after = START, maxCount, eventTypes }: ReadWindowOptions): Promise<LogWindow> {
  const params = [after.tx.toString(), after.pos.toString(), maxCount, [...eventTypes]];
  type Covered = { scanned: number; last_tx: string | null; last_pos: string | null };
  const covered = ({ scanned, last_tx, last_pos }: Covered) => ({ scanned, through: last_tx === null ? after : { tx: BigInt(last_tx), pos: BigInt(last_pos!) } });
  if (client.pagesAsJson) {
    const [row] = await client.query<Covered & { page: string }>(READ_WINDOW_PAGE_SQL, params);
    return { events: pageEvents(row!.page), ...covered(row!) };
  }
  const rows = await client.query<EventRow & Covered>(READ_WINDOW_SQL, params);
  return { events: rows.filter((row) => row.event_id !== null).map(toRecordedEvent), ...covered(rows[0]!) };
}

/** One value and one JSON.parse per page: the whole point of `pageAsJson`. */
export async function readPage(client: SqlClient, sql: string, params: readonly unknown[]): Promise<RecordedEvent[]> {
  const [row] = await client.query<{ page: string }>(sql, params);
  return pageEvents(row!.page);
}

function pageEvents(text: string): RecordedEvent[] {
  const page = JSON.parse(text) as PageRow[];
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
