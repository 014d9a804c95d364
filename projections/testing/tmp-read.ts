import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '@lifecycle/event-store';
import { READ_ALL_PAGE_SQL } from '../../libs/event-store/src/sql/read-all.sql';
const FILTERED = `WITH w AS MATERIALIZED (SELECT e.* FROM events e
WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::int8)
  AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY e.transaction_id, e.global_position
LIMIT $3)
SELECT (SELECT coalesce(json_agg(json_build_array(p.transaction_id::text, p.global_position::text, p.stream_id,
  p.stream_revision::text, p.event_id, p.type, p.data, p.metadata, p.recorded_at::text) ORDER BY p.transaction_id, p.global_position), '[]')::text FROM w p WHERE p.type = ANY($4::text[])) AS page,
  (SELECT count(*)::int FROM w) AS scanned,
  (SELECT json_build_array(transaction_id::text, global_position::text)::text FROM w ORDER BY transaction_id DESC, global_position DESC LIMIT 1) AS last`;
(async () => {
  const d = mkdtempSync(join(tmpdir(), 'x-')); cpSync('/tmp/le-proj-cache/CDNOW_master.txt/pglite', join(d, 'pglite'), { recursive: true });
  const db = await EmbeddedDatabase.open(join(d, 'pglite'));
  const types = ['PurchaseRecorded', 'CustomerRegistered', 'TierChanged', 'ClockTicked'];
  for (let pass = 0; pass < 3; pass++) {
    let t = performance.now(); let after = ['0', '0']; let n = 0;
    for (;;) {
      const { rows } = await db.query<{ page: string }>(READ_ALL_PAGE_SQL, [after[0], after[1], 5000]);
      const page = JSON.parse(rows[0]!.page) as string[][]; if (!page.length) break; n += page.length; after = [page.at(-1)![0]!, page.at(-1)![1]!];
    }
    console.log('full', n, Math.round(performance.now() - t));
    t = performance.now(); after = ['0', '0']; n = 0; let s = 0;
    for (;;) {
      const { rows } = await db.query<{ page: string; scanned: number; last: string | null }>(FILTERED, [after[0], after[1], 5000, types]);
      const r = rows[0]!; if (!r.scanned) break; const page = JSON.parse(r.page) as unknown[]; n += page.length; s += r.scanned; after = JSON.parse(r.last!);
    }
    console.log('filtered', n, s, Math.round(performance.now() - t));
  }
  await db.close();
})();
