import type { EntityManager } from 'typeorm';

/**
 * One process drives a projection version at a time: it holds a lease on the version's checkpoint row
 * (owner + expiry, renewed while it runs). A lease column rather than a Postgres advisory lock,
 * because a session lock needs a connection held for the life of the lease, and on PGlite that
 * connection is the whole database. The checkpoint's compare-and-set still guards every batch, so
 * a process that lost its lease without noticing cannot count an event twice: its next batch fails.
 */

/**
 * Takes or renews the lease of a version (creating its checkpoint row at the start of the log if it
 * is new). True when `owner` holds it until now + ttl; false when another owner's lease is still
 * running. `takeOver` ignores a running lease: embedded data belongs to one process, so a lease left
 * by a killed predecessor must not keep the next one waiting.
 */
export async function claimLease(
  manager: EntityManager,
  projection: string,
  version: number,
  owner: string,
  ttlMs: number,
  takeOver = false,
): Promise<boolean> {
  await manager.query(
    `INSERT INTO projection_checkpoints (projection, version) VALUES ($1, $2) ON CONFLICT (projection, version) DO NOTHING`,
    [projection, version],
  );
  // A CTE and a SELECT: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
  const [{ n }] = (await manager.query(
    `WITH claimed AS (
       UPDATE projection_checkpoints SET lease_owner = $3, lease_until = now() + $4::int8 * interval '1 millisecond'
       WHERE projection = $1 AND version = $2 AND ($5 OR lease_owner IS NULL OR lease_owner = $3 OR lease_until < now())
       RETURNING 1)
     SELECT count(*)::int AS n FROM claimed`,
    [projection, version, owner, ttlMs, takeOver],
  )) as [{ n: number }];
  return n === 1;
}

export async function releaseLease(manager: EntityManager, projection: string, version: number, owner: string): Promise<void> {
  await manager.query(
    `UPDATE projection_checkpoints SET lease_owner = NULL, lease_until = NULL WHERE projection = $1 AND version = $2 AND lease_owner = $3`,
    [projection, version, owner],
  );
}

export interface LeaseRow {
  readonly projection: string;
  readonly version: number;
  readonly owner: string | null;
  readonly until: Date | null;
}

export async function readLeases(manager: EntityManager): Promise<LeaseRow[]> {
  const rows = (await manager.query(
    `SELECT projection, version, lease_owner, lease_until FROM projection_checkpoints WHERE lease_until > now()`,
  )) as { projection: string; version: number; lease_owner: string | null; lease_until: Date | null }[];
  return rows.map((r) => ({ projection: r.projection, version: r.version, owner: r.lease_owner, until: r.lease_until }));
}
