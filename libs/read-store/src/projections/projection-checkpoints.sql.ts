import type { EntityManager } from 'typeorm';
import type { LogPosition } from '@lifecycle/event-store';
import type { CheckpointStatus, RecordedProjectionError } from './projection-checkpoint.entity';

/** The checkpoint table's statements. Positions travel as decimal text: int8 in, int8 out. */

export interface CheckpointRow {
  readonly projection: string;
  readonly version: number;
  readonly checkpoint: LogPosition;
  readonly status: CheckpointStatus;
  readonly active: boolean;
  readonly eventsProcessed: bigint;
  readonly lastError: RecordedProjectionError | null;
  readonly caughtUpAt: Date | null;
  readonly activatedAt: Date | null;
  readonly updatedAt: Date;
  /** The process driving this version, while its lease runs (see projection-leases.sql.ts). */
  readonly leaseOwner: string | null;
}

/** The checkpoint moved under us: another runner is applying the same projection version. */
export class CheckpointMovedError extends Error {
  readonly code = 'PROJECTION.CHECKPOINT_MOVED';
  constructor(readonly projection: string, readonly version: number) {
    super(`projection ${projection} v${version}: the checkpoint was moved by someone else; run one projector per projection`);
    this.name = 'CheckpointMovedError';
  }
}

export class ProjectionVersionNotReadyError extends Error {
  readonly code = 'PROJECTION.VERSION_NOT_READY';
  constructor(readonly projection: string, readonly version: number, reason: string) {
    super(`projection ${projection} v${version} cannot serve yet: ${reason}`);
    this.name = 'ProjectionVersionNotReadyError';
  }
}

export class ActiveVersionError extends Error {
  readonly code = 'PROJECTION.VERSION_ACTIVE';
  constructor(readonly projection: string, readonly version: number) {
    super(`projection ${projection} v${version} is the version being served; build a new version beside it instead`);
    this.name = 'ActiveVersionError';
  }
}

const COLUMNS = `projection, version, tx::text AS tx, pos::text AS pos, status, active, events_processed::text AS events_processed,
  last_error, caught_up_at, activated_at, updated_at, CASE WHEN lease_until > now() THEN lease_owner END AS lease_owner`;

interface RawCheckpoint {
  projection: string;
  version: number;
  tx: string;
  pos: string;
  status: CheckpointStatus;
  active: boolean;
  events_processed: string;
  last_error: RecordedProjectionError | null;
  caught_up_at: Date | null;
  activated_at: Date | null;
  updated_at: Date;
  lease_owner: string | null;
}

const toRow = (r: RawCheckpoint): CheckpointRow => ({
  projection: r.projection,
  version: r.version,
  checkpoint: { tx: BigInt(r.tx), pos: BigInt(r.pos) },
  status: r.status,
  active: r.active,
  eventsProcessed: BigInt(r.events_processed),
  lastError: r.last_error,
  caughtUpAt: r.caught_up_at,
  activatedAt: r.activated_at,
  updatedAt: r.updated_at,
  leaseOwner: r.lease_owner,
});

/** The row of a projection version, created at the start of the log if it is new. */
export async function ensureCheckpoint(manager: EntityManager, projection: string, version: number): Promise<CheckpointRow> {
  await manager.query(
    `INSERT INTO projection_checkpoints (projection, version) VALUES ($1, $2) ON CONFLICT (projection, version) DO NOTHING`,
    [projection, version],
  );
  const [row] = (await manager.query(`SELECT ${COLUMNS} FROM projection_checkpoints WHERE projection = $1 AND version = $2`, [projection, version])) as RawCheckpoint[];
  return toRow(row!);
}

export async function readCheckpoints(manager: EntityManager, projection?: string): Promise<CheckpointRow[]> {
  const rows = (await manager.query(
    `SELECT ${COLUMNS} FROM projection_checkpoints WHERE $1::text IS NULL OR projection = $1 ORDER BY projection, version`,
    [projection ?? null],
  )) as RawCheckpoint[];
  return rows.map(toRow);
}

/**
 * Compare-and-set, first statement of a batch's transaction: it also locks the row until commit, so
 * a second runner on the same version waits here and then finds the position moved.
 */
export async function advanceCheckpoint(
  manager: EntityManager,
  projection: string,
  version: number,
  from: LogPosition,
  to: LogPosition,
  events: number,
): Promise<void> {
  const [{ n }] = (await manager.query(
    `WITH moved AS (
       UPDATE projection_checkpoints
       SET tx = $5::int8, pos = $6::int8, events_processed = events_processed + $7, updated_at = now()
       WHERE projection = $1 AND version = $2 AND tx = $3::int8 AND pos = $4::int8
       RETURNING 1)
     SELECT count(*)::int AS n FROM moved`,
    [projection, version, from.tx.toString(), from.pos.toString(), to.tx.toString(), to.pos.toString(), events],
  )) as [{ n: number }];
  if (n !== 1) throw new CheckpointMovedError(projection, version);
}

/**
 * advanceCheckpoint for several versions that applied the same batch, in one statement: all of them
 * move, or CheckpointMovedError (naming the first that did not) and the caller rolls back.
 */
export async function advanceCheckpoints(
  manager: EntityManager,
  versions: readonly { readonly projection: string; readonly version: number; readonly from: LogPosition }[],
  to: LogPosition,
  events: number,
): Promise<void> {
  const moved = (await manager.query(
    // A CTE, as in advanceCheckpoint: TypeORM answers a bare UPDATE with [rows, count].
    `WITH moved AS (
       UPDATE projection_checkpoints c
       SET tx = $5::int8, pos = $6::int8, events_processed = c.events_processed + $7, updated_at = now()
       FROM unnest($1::text[], $2::int[], $3::int8[], $4::int8[]) AS f(projection, version, tx, pos)
       WHERE c.projection = f.projection AND c.version = f.version AND c.tx = f.tx AND c.pos = f.pos
       RETURNING c.projection, c.version)
     SELECT projection, version FROM moved`,
    [
      versions.map((v) => v.projection), versions.map((v) => v.version), versions.map((v) => v.from.tx.toString()), versions.map((v) => v.from.pos.toString()),
      to.tx.toString(), to.pos.toString(), events,
    ],
  )) as { projection: string; version: number }[];
  if (moved.length === versions.length) return;
  const done = new Set(moved.map((m) => `${m.projection}@${m.version}`));
  const stuck = versions.find((v) => !done.has(`${v.projection}@${v.version}`))!;
  throw new CheckpointMovedError(stuck.projection, stuck.version);
}

export async function markCaughtUp(manager: EntityManager, projection: string, version: number): Promise<void> {
  await manager.query(
    `UPDATE projection_checkpoints SET status = 'live', caught_up_at = coalesce(caught_up_at, now()), updated_at = now()
     WHERE projection = $1 AND version = $2`,
    [projection, version],
  );
}

export async function markFailed(manager: EntityManager, projection: string, version: number, error: RecordedProjectionError): Promise<void> {
  await manager.query(
    `UPDATE projection_checkpoints SET status = 'failed', last_error = $3::jsonb, updated_at = now() WHERE projection = $1 AND version = $2`,
    [projection, version, JSON.stringify(error)],
  );
}

/** A failed version that runs again: live if it ever caught up, building otherwise. */
export async function markRetrying(manager: EntityManager, projection: string, version: number): Promise<void> {
  await manager.query(
    `UPDATE projection_checkpoints SET status = CASE WHEN caught_up_at IS NULL THEN 'building' ELSE 'live' END, updated_at = now()
     WHERE projection = $1 AND version = $2 AND status = 'failed'`,
    [projection, version],
  );
}

/** Makes `version` the served one if no version of the projection is; true if it is now active. */
export async function activateIfNoneActive(manager: EntityManager, projection: string, version: number): Promise<boolean> {
  const [{ n }] = (await manager.query(
    `WITH activated AS (
       UPDATE projection_checkpoints SET active = true, activated_at = now(), updated_at = now()
       WHERE projection = $1 AND version = $2
         AND NOT EXISTS (SELECT 1 FROM projection_checkpoints WHERE projection = $1 AND active)
       RETURNING 1)
     SELECT count(*)::int AS n FROM activated`,
    [projection, version],
  )) as [{ n: number }];
  return n === 1;
}

/**
 * The switch-over, inside the caller's transaction: the projection's rows are locked, the target must
 * have caught up with the log at least once and not be failed, then the active flag moves in two
 * statements (the partial unique index would object to a moment with two active versions).
 */
export async function switchActiveVersion(manager: EntityManager, projection: string, version: number): Promise<void> {
  const rows = (await manager.query(
    `SELECT version, status, caught_up_at, active FROM projection_checkpoints WHERE projection = $1 ORDER BY version FOR UPDATE`,
    [projection],
  )) as Pick<RawCheckpoint, 'version' | 'status' | 'caught_up_at' | 'active'>[];
  const target = rows.find((r) => r.version === version);
  if (!target) throw new ProjectionVersionNotReadyError(projection, version, 'it has never run');
  if (target.active) return;
  if (target.status === 'failed') throw new ProjectionVersionNotReadyError(projection, version, 'it has failed');
  if (target.caught_up_at === null) throw new ProjectionVersionNotReadyError(projection, version, 'it has not caught up with the log yet');
  await manager.query(`UPDATE projection_checkpoints SET active = false, updated_at = now() WHERE projection = $1 AND active`, [projection]);
  await manager.query(
    `UPDATE projection_checkpoints SET active = true, activated_at = now(), updated_at = now() WHERE projection = $1 AND version = $2`,
    [projection, version],
  );
}

/** Back to the start of the log, inside the caller's transaction (which also deletes the rows). */
export async function resetCheckpoint(manager: EntityManager, projection: string, version: number): Promise<void> {
  const rows = (await manager.query(
    `SELECT active FROM projection_checkpoints WHERE projection = $1 AND version = $2 FOR UPDATE`,
    [projection, version],
  )) as { active: boolean }[];
  if (rows[0]?.active) throw new ActiveVersionError(projection, version);
  await manager.query(
    `INSERT INTO projection_checkpoints (projection, version) VALUES ($1, $2)
     ON CONFLICT (projection, version) DO UPDATE SET tx = 0, pos = 0, status = 'building', events_processed = 0,
       last_error = NULL, caught_up_at = NULL, updated_at = now()`,
    [projection, version],
  );
}

export async function deleteCheckpoint(manager: EntityManager, projection: string, version: number): Promise<void> {
  const rows = (await manager.query(
    `SELECT active FROM projection_checkpoints WHERE projection = $1 AND version = $2 FOR UPDATE`,
    [projection, version],
  )) as { active: boolean }[];
  if (rows[0]?.active) throw new ActiveVersionError(projection, version);
  await manager.query(`DELETE FROM projection_checkpoints WHERE projection = $1 AND version = $2`, [projection, version]);
}

export async function activeVersionOf(manager: EntityManager, projection: string): Promise<number | null> {
  const [row] = (await manager.query(`SELECT version FROM projection_checkpoints WHERE projection = $1 AND active`, [projection])) as { version: number }[];
  return row?.version ?? null;
}
