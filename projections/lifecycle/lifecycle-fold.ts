import { canonicalMillis, type LifecycleThresholds } from '@lifecycle/domain';
import { copyLines } from '@lifecycle/read-store/data-source/copy-rows';
import { FoldEventError } from '../fold-thread/fold-event-error';
import { LifecycleBatch, type LifecycleRow } from './lifecycle.projection';

/**
 * The lifecycle fold apart from its tables: the rows this version wrote, held between batches, a
 * batch folded into them, and the changed rows spelled as the statements take them. It imports
 * nothing that talks to a database, so that it can run on the fold thread (projections/fold-thread)
 * as well as beside its tables (lifecycle.read-model.ts).
 */
export interface LifecycleFoldOutput {
  /** COPY text of rows the table does not hold yet (null: none, or COPY not allowed). */
  readonly copyText: string | null;
  /** The JSON document of the other changed rows, for the upsert (null: none). */
  readonly upsert: string | null;
  /** The log clock after the batch, and whether its row must be written. */
  readonly clock: string | null;
  readonly clockChanged: boolean;
}

/** Column order of COPY into lifecycle_state (after projection_version). */
export const STATE_COLUMNS = `customer_id, stage, since, at, next_due_at, registered_at, registration, erased_at, first_purchase_at, last_purchase_at, facts, transitions`;

export class LifecycleFold {
  /** What this version's batches wrote, as a load reads it back (null: no row). */
  readonly rows = new Map<string, LifecycleRow | null>();
  /** The log clock as stored; undefined: not read yet. */
  clock: string | null | undefined;
  /** The clock row was written by a batch of this fold (so an unchanged clock needs no write). */
  clockWritten = false;

  /**
   * `complete`: every row of the version is in `rows` (a build from the start of the log), so the
   * due sweep needs no query. Reset when more than `limit` are held.
   */
  constructor(
    private readonly thresholds: LifecycleThresholds,
    private readonly version: number,
    public complete: boolean,
    private readonly limit: number,
  ) {
    this.clock = complete ? null : undefined;
  }

  /** The customers of the batch whose stored row must be adopted first. */
  missing(events: readonly { readonly type: string; readonly data: unknown }[]): string[] {
    if (this.complete) return [];
    return LifecycleBatch.customersOf(events).filter((id) => !this.rows.has(id));
  }

  /** A customer's stored row (null: the table holds none). */
  adopt(customerId: string, row: LifecycleRow | null): void {
    this.rows.set(customerId, row);
  }

  /** The batch's events folded into the rows of their customers; the sweep comes with `finish`. */
  fold(events: readonly { readonly type: string; readonly data: unknown }[]): LifecycleBatch {
    if (this.clock === undefined) throw new Error('the lifecycle clock was not read');
    const loaded: LifecycleRow[] = [];
    for (const id of LifecycleBatch.customersOf(events)) {
      const row = this.rows.get(id);
      if (row) loaded.push(row);
    }
    const batch = new LifecycleBatch(this.thresholds, this.clock, loaded);
    events.forEach((event, index) => {
      try {
        batch.apply(event);
      } catch (error) {
        throw new FoldEventError(index, error);
      }
    });
    return batch;
  }

  /**
   * Sweeps the customers whose due moment the batch's clock has passed (`due`: as the table shows
   * them when the fold does not hold every row) and spells the changed rows; `copy`: rows the table
   * does not hold may go in with COPY.
   */
  finish(batch: LifecycleBatch, due: readonly LifecycleRow[] | undefined, copy: boolean): LifecycleFoldOutput {
    const swept = batch.clock === null ? [] : (due ?? this.dueInMemory(batch.clock, batch));
    batch.sweep(swept);
    const changed = batch.changedRows();
    // Rows held (or found due) exist; any other changed row is a customer the table does not hold yet.
    const dueIds = new Set(swept.map((row) => row.customerId));
    const existing = (id: string) => this.rows.get(id) != null || dueIds.has(id);
    const copied: LifecycleRow[] = [];
    const upserted: LifecycleRow[] = [];
    for (const row of changed) (copy && !existing(row.customerId) ? copied : upserted).push(row);

    const clock = batch.clock === null ? null : canonical(batch.clock);
    const clockChanged = this.clock !== clock || !this.clockWritten;
    for (const row of changed) this.rows.set(row.customerId, asLoaded(row));
    this.clock = clock;
    this.clockWritten = true;
    if (this.rows.size > this.limit) {
      this.rows.clear();
      this.complete = false;
    }
    return {
      copyText: copied.length === 0 ? null : copyLines(copied.map((r) => [
        this.version, r.customerId, r.stage, r.since, r.at, r.nextDueAt, r.registeredAt, r.registration, r.erasedAt, r.firstPurchaseAt, r.lastPurchaseAt,
        JSON.stringify(r.facts), JSON.stringify(r.transitions),
      ])),
      upsert: upserted.length === 0 ? null : JSON.stringify(upserted.map((r) => ({
        customer_id: r.customerId, stage: r.stage, since: r.since, at: r.at, next_due_at: r.nextDueAt, registered_at: r.registeredAt,
        registration: r.registration, erased_at: r.erasedAt, first_purchase_at: r.firstPurchaseAt, last_purchase_at: r.lastPurchaseAt,
        facts: r.facts, transitions: r.transitions,
      }))),
      clock,
      clockChanged,
    };
  }

  /** The due sweep's query, on the rows held: due by the clock, not among the batch's own customers. */
  private dueInMemory(clock: string, batch: LifecycleBatch): LifecycleRow[] {
    const due: LifecycleRow[] = [];
    const until = Date.parse(clock);
    for (const row of this.rows.values()) {
      if (row !== null && row.nextDueAt !== null && Date.parse(row.nextDueAt) <= until && !batch.has(row.customerId)) due.push(row);
    }
    return due;
  }
}

// Most instants are in the canonical spelling already: checking that is cheaper than a Date and back.
const canonical = (at: string): string => (canonicalMillis(at) !== undefined ? at : new Date(at).toISOString());
const canonicalOrNull = (at: string | null): string | null => (at === null ? null : canonical(at));

/** The row as a load reads it back after the write: instants as the database gives them, facts through JSON. */
const asLoaded = (row: LifecycleRow): LifecycleRow => ({
  ...row,
  since: canonicalOrNull(row.since),
  at: canonicalOrNull(row.at),
  nextDueAt: canonicalOrNull(row.nextDueAt),
  registeredAt: canonicalOrNull(row.registeredAt),
  erasedAt: canonicalOrNull(row.erasedAt),
  firstPurchaseAt: canonicalOrNull(row.firstPurchaseAt),
  lastPurchaseAt: canonicalOrNull(row.lastPurchaseAt),
  facts: JSON.parse(JSON.stringify(row.facts)) as LifecycleRow['facts'],
  // jsonb gives back the very strings and numbers written (only the key order differs, which nothing reads).
  transitions: row.transitions,
});
