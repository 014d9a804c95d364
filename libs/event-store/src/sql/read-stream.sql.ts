import { RecordedEvent } from '../event-store';
import { EVENTS_TABLE } from './event-store-tables';
import { EventRow, pageAsJson, readPage, toRecordedEvent } from './read-all.sql';
import { SqlClient } from './sql-client';

// No snapshot filter here: a writer puts its events right after the last revision it saw
// committed, and the unique (stream_id, stream_revision) index refuses a second one at the same
// revision, so a committed stream never has a hole in its revisions.
const READ_STREAM_FROM = `FROM ${EVENTS_TABLE} e
WHERE e.stream_id = $1 AND e.stream_revision >= $2::int8
ORDER BY e.stream_revision
LIMIT $3`;

export const READ_STREAM_SQL = `SELECT transaction_id, global_position::text, stream_id, stream_revision::text, event_id, type, data, metadata, recorded_at
${READ_STREAM_FROM}`;

const READ_STREAM_PAGE_SQL = pageAsJson(`SELECT e.* ${READ_STREAM_FROM}`, 'p.stream_revision');

export async function readStream(client: SqlClient, streamId: string, fromRevision = 0n, maxCount?: number): Promise<RecordedEvent[]> {
  const params = [streamId, fromRevision.toString(), maxCount ?? null];
  if (client.pagesAsJson) return readPage(client, READ_STREAM_PAGE_SQL, params);
  const rows = await client.query<EventRow>(READ_STREAM_SQL, params);
  return rows.map(toRecordedEvent);
}
