import { matchSegment, type RfmDefinition } from '@lifecycle/domain';

/**
 * RFM scoring as one SQL statement over one version's facts, as of one instant: measures over the
 * window (asOf - windowDays, asOf], then for each measure RANK() ascending (ties share the lowest
 * rank; recency by days descending) and score = floor(bins * (rank - 1) / n) + 1, the rule of
 * @lifecycle/domain rfm-score.ts. The segment comes from a grid of every (r, f, m) worked out by the
 * domain's own `matchSegment`, so SQL and domain cannot disagree about the map.
 *
 * Parameters: $1 version, $2 as-of (timestamptz), $3 window days, $4 bins, $5 segment grid (text[],
 * index ((r-1)*bins + (f-1))*bins + m), $6 high-value M score, $7 mid-value M score.
 * Day arithmetic is in seconds of UTC, so the session's time zone (DST) cannot move the window.
 */
const SCORED = `
  window_purchases AS (
    SELECT p.customer_id, max(p.occurred_at) AS last_at, count(DISTINCT p.order_id) AS frequency, sum(p.amount) AS bought
      FROM rfm_purchase p
     WHERE p.projection_version = $1
       AND p.occurred_at > $2::timestamptz - $3::int * interval '86400 seconds' AND p.occurred_at <= $2::timestamptz
     GROUP BY p.customer_id
  ),
  window_refunds AS (
    SELECT x.customer_id, sum(x.amount) AS refunded
      FROM rfm_refund x
     WHERE x.projection_version = $1
       AND x.occurred_at > $2::timestamptz - $3::int * interval '86400 seconds' AND x.occurred_at <= $2::timestamptz
     GROUP BY x.customer_id
  ),
  measures AS (
    SELECT p.customer_id,
           floor((extract(epoch FROM $2::timestamptz) - extract(epoch FROM p.last_at)) / 86400)::int AS recency_days,
           p.frequency::int AS frequency,
           (p.bought - coalesce(x.refunded, 0))::bigint AS monetary
      FROM window_purchases p LEFT JOIN window_refunds x ON x.customer_id = p.customer_id
  ),
  scored AS (
    SELECT customer_id, recency_days, frequency, monetary,
           ($4::int * (rank() OVER (ORDER BY recency_days DESC) - 1) / count(*) OVER ())::int + 1 AS r,
           ($4::int * (rank() OVER (ORDER BY frequency) - 1) / count(*) OVER ())::int + 1 AS f,
           ($4::int * (rank() OVER (ORDER BY monetary) - 1) / count(*) OVER ())::int + 1 AS m
      FROM measures
  )`;

/** Scores, segment and value group of every customer with a purchase in the window. */
export const SCORE_RFM = `
  WITH ${SCORED}
  SELECT customer_id, recency_days, frequency, monetary, r, f, m,
         ($5::text[])[((r - 1) * $4::int + (f - 1)) * $4::int + m] AS segment,
         CASE WHEN m >= $6::int THEN 'high' WHEN m >= $7::int THEN 'mid' ELSE 'low' END AS value_group
    FROM scored`;

/** The same, stored as the snapshot of ($1, $2) with a row saying it was taken ($8: 'clock' | 'query'). */
export const TAKE_RFM_SNAPSHOT = `
  WITH ${SCORED},
  stored AS (
    INSERT INTO rfm_snapshot (as_of, customer_id, projection_version, recency_days, frequency, monetary, r, f, m, segment, value_group)
    SELECT $2::timestamptz, customer_id, $1, recency_days, frequency, monetary, r, f, m,
           ($5::text[])[((r - 1) * $4::int + (f - 1)) * $4::int + m],
           CASE WHEN m >= $6::int THEN 'high' WHEN m >= $7::int THEN 'mid' ELSE 'low' END
      FROM scored
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  INSERT INTO rfm_snapshot_taken (as_of, projection_version, customers, taken_by)
  SELECT $2::timestamptz, $1, count(*), $8 FROM stored
  ON CONFLICT DO NOTHING`;

/** The parameters $1..$7 for one version and instant. */
export function scoringParameters(version: number, asOf: string, definition: RfmDefinition): unknown[] {
  return [version, asOf, definition.windowDays, definition.bins, segmentGrid(definition), definition.valueGroups.high, definition.valueGroups.mid];
}

/** matchSegment for every (r, f, m), in the order the SQL indexes it. */
export function segmentGrid(definition: RfmDefinition): string[] {
  const grid: string[] = [];
  for (let r = 1; r <= definition.bins; r++) {
    for (let f = 1; f <= definition.bins; f++) {
      for (let m = 1; m <= definition.bins; m++) grid.push(matchSegment(definition.segments, { r, f, m })!);
    }
  }
  return grid;
}

/**
 * Serialises snapshot writes of one version with fact writes: a snapshot scored from facts that a
 * batch is about to change would otherwise outlive the batch's invalidation (see rfm.read-model.ts).
 */
export const LOCK_RFM_SNAPSHOTS = `SELECT pg_advisory_xact_lock(hashtext('rfm-snapshots'), $1::int)`;

/**
 * Facts at times [$2, $3] change every snapshot whose window holds them: as-of in [$2, $3 + window).
 * Those snapshots are dropped and recomputed when next asked for (the clock's are then retaken on demand).
 */
export const INVALIDATE_RFM_SNAPSHOTS = `
  WITH dropped AS (
    DELETE FROM rfm_snapshot_taken
     WHERE projection_version = $1 AND as_of >= $2::timestamptz AND as_of < $3::timestamptz + $4::int * interval '86400 seconds'
    RETURNING as_of
  )
  DELETE FROM rfm_snapshot s USING dropped d WHERE s.as_of = d.as_of AND s.projection_version = $1`;
