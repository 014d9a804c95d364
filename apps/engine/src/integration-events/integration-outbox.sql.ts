import type { LifecycleThresholds, OutboxCustomer } from '@lifecycle/domain';
import { outboxDueAt } from '@lifecycle/domain';
import type { LogPosition } from '@lifecycle/event-store';

/** DataSource or a transaction's EntityManager: both answer plain SQL. */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface PublisherRow {
  readonly position: LogPosition;
  readonly clock: string | null;
}

export interface PublisherCounts {
  readonly position: LogPosition;
  readonly clock: string | null;
  readonly eventsRead: bigint;
  readonly published: bigint;
  readonly heldBack: bigint;
  readonly heldBackByType: Readonly<Record<string, number>>;
  readonly leaseOwner: string | null;
  readonly leaseUntil: string | null;
}

/** The publisher moved its checkpoint without this process: another one holds the lease now. */
export class PublisherLeaseLostError extends Error {
  readonly code = 'INTEGRATION.LEASE_LOST';
  constructor(readonly publisher: string, readonly owner: string) {
    super(`integration publisher ${publisher}: the checkpoint moved or the lease went to another process (this one is ${owner})`);
  }
}

/**
 * Takes (or renews) the publisher's lease and answers its checkpoint; null while another process
 * holds an unexpired lease. One publisher at a time per name, on PGlite and Postgres alike.
 */
export async function takeLease(sql: Sql, name: string, owner: string, leaseMs: number): Promise<PublisherRow | null> {
  await sql.query(`INSERT INTO integration_publisher (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
  const rows = (await sql.query(
    // A CTE, so that TypeORM hands back the rows (an UPDATE's own RETURNING comes back as [rows, count]).
    `WITH leased AS (
       UPDATE integration_publisher SET lease_owner = $2, lease_until = now() + $3::int * interval '1 millisecond'
       WHERE name = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now())
       RETURNING tx::text AS tx, pos::text AS pos, clock)
     SELECT * FROM leased`,
    [name, owner, leaseMs],
  )) as { tx: string; pos: string; clock: string | null }[];
  const row = rows[0];
  return row ? { position: { tx: BigInt(row.tx), pos: BigInt(row.pos) }, clock: row.clock } : null;
}

/** Lets the lease go at a clean stop, so a successor need not wait for it to expire. */
export async function releaseLease(sql: Sql, name: string, owner: string): Promise<void> {
  await sql.query(`UPDATE integration_publisher SET lease_owner = NULL, lease_until = NULL WHERE name = $1 AND lease_owner = $2`, [name, owner]);
}

/** The stored state of these customers and of every customer due by `dueBy`. */
export async function loadCustomers(sql: Sql, ids: readonly string[], dueBy: string | null): Promise<Map<string, OutboxCustomer>> {
  const rows = (await sql.query(
    `SELECT customer_id, state FROM integration_customers WHERE customer_id = ANY($1::text[]) OR next_due_at <= $2`,
    [ids, dueBy],
  )) as { customer_id: string; state: OutboxCustomer | string }[];
  // pg parses jsonb; PGlite through the lease driver may hand it over as text.
  return new Map(rows.map((r) => [r.customer_id, typeof r.state === 'string' ? (JSON.parse(r.state) as OutboxCustomer) : r.state]));
}

export async function saveCustomers(sql: Sql, customers: Iterable<OutboxCustomer>, thresholds: LifecycleThresholds): Promise<void> {
  const rows = [...customers].map((c) => ({ customer_id: c.customerId, state: c, next_due_at: outboxDueAt(c, thresholds) }));
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO integration_customers (customer_id, state, next_due_at)
     SELECT customer_id, state, next_due_at FROM jsonb_to_recordset($1::jsonb) AS r(customer_id text, state jsonb, next_due_at text)
     ON CONFLICT (customer_id) DO UPDATE SET state = EXCLUDED.state, next_due_at = EXCLUDED.next_due_at`,
    [JSON.stringify(rows)],
  );
}

/**
 * Moves the checkpoint from `from` to `to` if it is still at `from` and the lease still ours;
 * otherwise PublisherLeaseLostError (nothing of the batch is committed).
 */
export async function advancePublisher(
  sql: Sql, name: string, owner: string, leaseMs: number,
  move: { from: LogPosition; to: LogPosition; clock: string | null; events: number; published: number; heldBackByType: Record<string, number> },
): Promise<void> {
  const heldBack = Object.values(move.heldBackByType).reduce((a, b) => a + b, 0);
  const [{ n }] = (await sql.query(
    `WITH moved AS (
       UPDATE integration_publisher SET tx = $5::int8, pos = $6::int8, clock = $7, events_read = events_read + $8,
         published = published + $9, held_back = held_back + $10,
         held_back_by_type = (SELECT coalesce(jsonb_object_agg(k, coalesce((held_back_by_type ->> k)::int8, 0) + coalesce((($11::jsonb) ->> k)::int8, 0)), '{}'::jsonb)
                              FROM (SELECT jsonb_object_keys(held_back_by_type) AS k UNION SELECT jsonb_object_keys($11::jsonb)) keys),
         lease_until = now() + $12::int * interval '1 millisecond', updated_at = now()
       WHERE name = $1 AND tx = $3::int8 AND pos = $4::int8 AND lease_owner = $2
       RETURNING 1)
     SELECT count(*)::int AS n FROM moved`,
    [name, owner, move.from.tx.toString(), move.from.pos.toString(), move.to.tx.toString(), move.to.pos.toString(), move.clock,
      move.events, move.published, heldBack, JSON.stringify(move.heldBackByType), leaseMs],
  )) as [{ n: number }];
  if (n !== 1) throw new PublisherLeaseLostError(name, owner);
}

export async function readPublisher(sql: Sql, name: string): Promise<PublisherCounts | null> {
  const rows = (await sql.query(
    `SELECT tx::text AS tx, pos::text AS pos, clock, events_read::text AS events_read, published::text AS published,
            held_back::text AS held_back, held_back_by_type, lease_owner, lease_until::text AS lease_until
     FROM integration_publisher WHERE name = $1`,
    [name],
  )) as { tx: string; pos: string; clock: string | null; events_read: string; published: string; held_back: string; held_back_by_type: Record<string, number> | string; lease_owner: string | null; lease_until: string | null }[];
  const r = rows[0];
  if (!r) return null;
  const byType = typeof r.held_back_by_type === 'string' ? (JSON.parse(r.held_back_by_type) as Record<string, number>) : r.held_back_by_type;
  return {
    position: { tx: BigInt(r.tx), pos: BigInt(r.pos) }, clock: r.clock, eventsRead: BigInt(r.events_read), published: BigInt(r.published),
    heldBack: BigInt(r.held_back), heldBackByType: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, Number(v)])),
    leaseOwner: r.lease_owner, leaseUntil: r.lease_until,
  };
}

/** Embedded data belongs to one process: a lease left by a killed predecessor is void at start. */
export async function voidLease(sql: Sql, name: string): Promise<void> {
  await sql.query(`UPDATE integration_publisher SET lease_owner = NULL, lease_until = NULL WHERE name = $1`, [name]);
}
