import type { DataSource } from 'typeorm';
import { EVENTS_TABLE, type LogPosition } from '@lifecycle/event-store';

/** Counting stops here: beyond it the exact number says nothing more than "far behind". */
export const EVENTS_BEHIND_CAP = 1_000_000;

/**
 * Lag in events: how many events visible to `readAll` lie after a checkpoint. It reads the event
 * store's table directly, which works because the read store and the SQL event stores share one
 * database (PGlite or Postgres); a log kept elsewhere (EventStoreDB) passes its own counter or none.
 * Walks the primary key from the checkpoint on, so it costs what the lag is, up to the cap.
 */
export function eventsTableLag(dataSource: DataSource): (after: LogPosition) => Promise<number> {
  return async (after) => {
    const [row] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM ${EVENTS_TABLE}
         WHERE (transaction_id, global_position) > ($1::xid8, $2::int8)
           AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         LIMIT ${EVENTS_BEHIND_CAP}) behind`,
      [after.tx.toString(), after.pos.toString()],
    )) as { n: number }[];
    return row!.n;
  };
}
