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
export const READ_ALL_SQL = `SELECT transaction_id, global_position, stream_id, stream_revision, event_id, type, data, metadata, recorded_at
FROM ${EVENTS_TABLE}
WHERE (transaction_id, global_position) > ($1::xid8, $2::int8)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id, global_position
LIMIT $3`;

export const HEAD_POSITION_SQL = `SELECT transaction_id, global_position
FROM ${EVENTS_TABLE}
WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id DESC, global_position DESC
LIMIT 1`;

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

export async function readAll(client: SqlClient, { after = START, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
  const rows = await client.query<EventRow>(READ_ALL_SQL, [after.tx.toString(), after.pos.toString(), maxCount]);
  return rows.map(toRecordedEvent);
}

export async function headPosition(client: SqlClient): Promise<LogPosition> {
  const [row] = await client.query<Pick<EventRow, 'transaction_id' | 'global_position'>>(HEAD_POSITION_SQL);
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
