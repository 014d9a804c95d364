import type { EntityManager } from 'typeorm';
import type { LifecycleThresholds } from '@lifecycle/domain';
import { copiesFromBlob, copyText, MAX_REMEMBERED_ROWS, type ProjectionDefinition, ProjectionEventError, type ProjectionMemory } from '@lifecycle/read-store';
import { FoldEventError } from '../fold-thread/fold-event-error';
import { FoldOnThread, foldsOnThread } from '../fold-thread/fold-thread';
import { LifecycleFold, type LifecycleFoldOutput, STATE_COLUMNS } from './lifecycle-fold';
import { lifecycleFoldOnThread } from './lifecycle-fold-thread';
import { LifecycleClockEntity, LifecycleStateEntity, LifecycleTransitionEntity } from './lifecycle.entity';
import { Lifecycle1767225605000, LifecycleTransitionsInState1767225605100 } from './lifecycle.migrations';
import { LIFECYCLE, LIFECYCLE_HANDLES, type LifecycleRow, type StoredTransition } from './lifecycle.projection';

export const lifecycleReadModel = {
  entities: [LifecycleStateEntity, LifecycleTransitionEntity, LifecycleClockEntity],
  migrations: [Lifecycle1767225605000, LifecycleTransitionsInState1767225605100],
};

// The rows go as one JSON document: PGlite unpacks that with json_to_recordset in about two thirds
// of the time it takes over twelve arrays through unnest (23,570 rows of this shape: 928 vs 1,460 ms).
const UPSERT_STATE = `INSERT INTO lifecycle_state (projection_version, ${STATE_COLUMNS})
SELECT $1, * FROM json_to_recordset($2::json) AS r(customer_id text, stage text, since timestamptz, at timestamptz, next_due_at timestamptz,
  registered_at timestamptz, registration text, erased_at timestamptz, first_purchase_at timestamptz, last_purchase_at timestamptz, facts jsonb, transitions jsonb)
ON CONFLICT (customer_id, projection_version) DO UPDATE SET stage = EXCLUDED.stage, since = EXCLUDED.since, at = EXCLUDED.at,
  next_due_at = EXCLUDED.next_due_at, registered_at = EXCLUDED.registered_at, registration = EXCLUDED.registration,
  erased_at = EXCLUDED.erased_at, first_purchase_at = EXCLUDED.first_purchase_at, last_purchase_at = EXCLUDED.last_purchase_at,
  facts = EXCLUDED.facts, transitions = EXCLUDED.transitions`;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** A row as the driver returns it (timestamptz as Date on pg, as Date or text on PGlite). */
export const fromDb = (r: Record<string, unknown>): LifecycleRow => ({
  customerId: r.customer_id as string,
  stage: r.stage as LifecycleRow['stage'],
  since: iso(r.since as Date | null),
  at: iso(r.at as Date | null),
  nextDueAt: iso(r.next_due_at as Date | null),
  registeredAt: iso(r.registered_at as Date | null),
  registration: r.registration as LifecycleRow['registration'],
  erasedAt: iso(r.erased_at as Date | null),
  firstPurchaseAt: iso(r.first_purchase_at as Date | null),
  lastPurchaseAt: iso(r.last_purchase_at as Date | null),
  facts: (typeof r.facts === 'string' ? JSON.parse(r.facts) : r.facts) as LifecycleRow['facts'],
  transitions: (typeof r.transitions === 'string' ? JSON.parse(r.transitions) : r.transitions) as StoredTransition[],
});

export async function readLifecycleClock(manager: Pick<EntityManager, 'query'>, version: number): Promise<{ at: string | null; thresholds: LifecycleThresholds } | null> {
  const [row] = (await manager.query(`SELECT at, thresholds FROM lifecycle_clock WHERE projection_version = $1`, [version])) as Record<string, unknown>[];
  if (!row) return null;
  return { at: iso(row.at as Date | null), thresholds: (typeof row.thresholds === 'string' ? JSON.parse(row.thresholds) : row.thresholds) as LifecycleThresholds };
}

/**
 * The lifecycle projection for one version's thresholds. A batch: read the clock, load the customers
 * the batch names, fold in memory (LifecycleBatch), load the customers whose due moment the new clock
 * has passed (the due index) and advance them too, then write the changed rows, the new transitions
 * and the clock; the runner commits all of it with the checkpoint.
 */
export function lifecycleProjection(version: number, thresholds: LifecycleThresholds): ProjectionDefinition {
  // The memory's fold, made by the first batch it sees (look-ahead or not): a rebuild catching up folds on the fold thread.
  const heldFold = (memory: ProjectionMemory, v: number, firstBatch: number) =>
    memory.slot('lifecycle', () => ({
      fold: foldsOnThread(memory.fromStart, firstBatch) ? lifecycleFoldOnThread(thresholds, v, MAX_REMEMBERED_ROWS) : new LifecycleFold(thresholds, v, memory.fromStart, MAX_REMEMBERED_ROWS),
    }));

  return {
    name: LIFECYCLE,
    version,
    handles: LIFECYCLE_HANDLES,

    lookAhead(events, { version: v, memory, copiesFromBlob: copy }) {
      const held = heldFold(memory, v, events.length);
      if (held.fold instanceof FoldOnThread) held.fold.start({ events, copy });
    },

    async applyBatch(events, { manager, version: v, memory }) {
      const held = heldFold(memory, v, events.length);
      const copy = copiesFromBlob(manager);
      let output: LifecycleFoldOutput | undefined;
      try {
        if (held.fold instanceof FoldOnThread) {
          const result = await held.fold.apply({ events, copy });
          if ('output' in result) output = result.output;
          // The thread no longer holds this fold (it ended, or the fold outgrew what is kept): go on
          // here, reading from the table the rows the memory lacks.
          if (!('output' in result) || !result.complete) held.fold = new LifecycleFold(thresholds, v, false, MAX_REMEMBERED_ROWS);
        }
        output ??= await foldHere(held.fold as LifecycleFold, events, manager, v, copy);
      } catch (error) {
        if (error instanceof FoldEventError) throw new ProjectionEventError(LIFECYCLE, events[error.index]!, error.cause);
        throw error;
      }

      if (output.upsert !== null) await manager.query(UPSERT_STATE, [v, output.upsert]);
      if (output.copyText !== null) await copyText(manager, 'lifecycle_state', ['projection_version', ...STATE_COLUMNS.split(', ')], output.copyText);
      if (output.clockChanged) {
        await manager.query(
          `INSERT INTO lifecycle_clock (projection_version, at, thresholds) VALUES ($1, $2, $3::jsonb)
           ON CONFLICT (projection_version) DO UPDATE SET at = EXCLUDED.at, thresholds = EXCLUDED.thresholds`,
          [v, output.clock, JSON.stringify(thresholds)],
        );
      }
    },

    async clearVersion(manager, v) {
      for (const table of ['lifecycle_state', 'lifecycle_clock']) {
        await manager.query(`DELETE FROM ${table} WHERE projection_version = $1`, [v]);
      }
    },
  };
}

/**
 * A batch folded in this thread: read the clock, load the customers the batch names that the fold
 * does not hold, fold, load the customers whose due moment the new clock has passed (the due index;
 * the fold finds them itself when it holds every row), and sweep them.
 */
async function foldHere(fold: LifecycleFold, events: Parameters<ProjectionDefinition['applyBatch']>[0], manager: EntityManager, v: number, copy: boolean): Promise<LifecycleFoldOutput> {
  if (fold.clock === undefined) fold.clock = (await readLifecycleClock(manager, v))?.at ?? null;
  const missing = fold.missing(events);
  if (missing.length > 0) {
    const found = ((await manager.query(`SELECT ${STATE_COLUMNS} FROM lifecycle_state WHERE projection_version = $1 AND customer_id = ANY($2::text[])`, [v, missing])) as Record<string, unknown>[]).map(fromDb);
    const byId = new Map(found.map((row) => [row.customerId, row]));
    for (const id of missing) fold.adopt(id, byId.get(id) ?? null);
  }
  const batch = fold.fold(events);
  const due = fold.complete || batch.clock === null ? undefined : ((await manager.query(
    `SELECT ${STATE_COLUMNS} FROM lifecycle_state WHERE projection_version = $1 AND next_due_at <= $2 AND NOT (customer_id = ANY($3::text[]))`,
    [v, batch.clock, batch.customerIds],
  )) as Record<string, unknown>[]).map((r) => fold.rows.get(r.customer_id as string) ?? fromDb(r));
  return fold.finish(batch, due, copy);
}
