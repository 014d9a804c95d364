import { RecordedEvent } from '../event-store';
import { EVENTS_TABLE } from './event-store-tables';
import { EventRow, toRecordedEvent } from './read-all.sql';
import { SqlClient } from './sql-client';

// No snapshot filter here: appends to one stream are serialised by its row lock, so a committed
// stream never has a hole in its revisions.
export const READ_STREAM_SQL = `SELECT transaction_id, global_position, stream_id, stream_revision, event_id, type, data, metadata, recorded_at
FROM ${EVENTS_TABLE}
WHERE stream_id = $1 AND stream_revision >= $2::int8
ORDER BY stream_revision
LIMIT $3`;

export async function readStream(client: SqlClient, streamId: string, fromRevision = 0n, maxCount?: number): Promise<RecordedEvent[]> {
  const rows = await client.query<EventRow>(READ_STREAM_SQL, [streamId, fromRevision.toString(), maxCount ?? null]);
  return rows.map(toRecordedEvent);
}
