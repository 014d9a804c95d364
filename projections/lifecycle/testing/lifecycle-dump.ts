import type { DataSource } from 'typeorm';

/**
 * Every row of one lifecycle version, as text, in key order: what "byte for byte" compares. Instants
 * are spelled in UTC, since timestamptz::text follows the session time zone, which differs between servers.
 */
export async function dumpLifecycleVersion(ds: DataSource, version: number): Promise<string> {
  const utc = (c: string) => `(${c} AT TIME ZONE 'UTC')::text AS ${c}`;
  const state = await ds.query(`SELECT customer_id, stage, ${['since', 'at', 'next_due_at', 'registered_at', 'erased_at', 'first_purchase_at', 'last_purchase_at'].map(utc).join(', ')},
    registration, facts::text, transitions::text FROM lifecycle_state WHERE projection_version = $1 ORDER BY customer_id`, [version]);
  const transitions = await ds.query(`SELECT customer_id, seq, from_stage, to_stage, ${utc('at')}, cause FROM lifecycle_transitions
    WHERE projection_version = $1 ORDER BY customer_id, seq`, [version]);
  const clock = await ds.query(`SELECT ${utc('at')}, thresholds::text FROM lifecycle_clock WHERE projection_version = $1`, [version]);
  return JSON.stringify({ state, transitions, clock });
}
