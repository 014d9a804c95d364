import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@lifecycle/event-store';

/**
 * What the runner hosts: a named, versioned fold of the global log into read-model tables.
 *
 * `applyBatch` gets the events of one subscription batch that the projection handles, in log order,
 * and the manager of the transaction that will also move the checkpoint: it must write through that
 * manager only, and every row it writes carries `version`, so that two versions of one projection
 * can be built side by side in the same tables. Most projections do not write this by hand: they are
 * a pure `evolve(row | null, event)` given to `rowProjection`, which turns a batch into one read
 * and one write per table.
 */
export interface ProjectionDefinition {
  readonly name: string;
  /** A positive integer; a new version is rebuilt from the start of the log beside the old one. */
  readonly version: number;
  /** Event types the projection reads; the runner passes nothing else to `applyBatch`. */
  readonly handles: readonly string[];
  /**
   * Called with a batch's events as soon as the batch is read, before the batches ahead of it are
   * applied, in log order, and with the very array `applyBatch` gets later. A projection whose fold
   * needs nothing from its tables (it holds every row it wrote) may start folding there, on another
   * thread, while the runner applies the batches before. It must not assume the batch will be applied
   * with the same memory: after a failure the runner applies it again with an empty one.
   */
  lookAhead?(events: readonly RecordedEvent[], context: LookAheadContext): void;
  applyBatch(events: readonly RecordedEvent[], context: ApplyContext): Promise<void>;
  /** Deletes every row of one version (before a rebuild of that version, or after it was retired). */
  clearVersion(manager: EntityManager, version: number): Promise<void>;
}

export interface LookAheadContext {
  readonly version: number;
  readonly memory: ProjectionMemory;
  /** New rows may go in with COPY (copy-rows.ts), as `copiesFromBlob(manager)` tells in `applyBatch`. */
  readonly copiesFromBlob: boolean;
}

export interface ApplyContext {
  readonly manager: EntityManager;
  readonly version: number;
  /** What the projection kept of its own tables from earlier batches of this version (see ProjectionMemory). */
  readonly memory: ProjectionMemory;
}

/**
 * What a projection may keep in memory between batches of one version (the rows it wrote, its clock),
 * so that it does not read back what it already holds. The runner gives every version it drives a
 * memory of its own and replaces it with an empty one whenever it cannot vouch that the memory and the
 * tables agree: before it drives the version (start, add, restart, rebuild) and after any batch that
 * did not commit. Between those, nobody else writes the version's rows: one process drives a version
 * (its lease), and one that lost the lease without noticing fails its next batch on the checkpoint
 * compare-and-set, which drops the memory too. A projection must update its memory only to what the
 * batch writes, and may not rely on it for anything other processes write (queries' snapshots).
 */
export class ProjectionMemory {
  private readonly slots = new Map<string, unknown>();

  /**
   * `fromStart`: the version's checkpoint is at the start of the log, so it has no rows yet; all it
   * will ever hold is written by the batches this memory sees (what the memory lacks does not exist).
   */
  constructor(readonly fromStart: boolean) {}

  /** The projection's own slot, created on first use. */
  slot<T>(name: string, create: () => T): T {
    if (!this.slots.has(name)) this.slots.set(name, create());
    return this.slots.get(name) as T;
  }
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

export class InvalidProjectionError extends Error {
  readonly code = 'PROJECTION.INVALID';
  constructor(readonly projection: string, reason: string) {
    super(`projection ${projection}: ${reason}`);
    this.name = 'InvalidProjectionError';
  }
}

export function assertValidDefinition(definition: ProjectionDefinition): void {
  if (!NAME.test(definition.name)) {
    throw new InvalidProjectionError(definition.name, 'the name is 1-63 of a-z, 0-9 and -, starting with a letter');
  }
  if (!Number.isSafeInteger(definition.version) || definition.version < 1) {
    throw new InvalidProjectionError(definition.name, `version ${definition.version} is not a positive integer`);
  }
  if (definition.handles.length === 0) throw new InvalidProjectionError(definition.name, 'it handles no event type');
}

/**
 * An event a projection could not apply. The batch it was in is rolled back with the checkpoint, so
 * the projection stops just before that batch; `event` says which one of it failed.
 */
export class ProjectionEventError extends Error {
  readonly code = 'PROJECTION.EVENT_FAILED';
  constructor(
    readonly projection: string,
    readonly event: RecordedEvent,
    override readonly cause: unknown,
  ) {
    super(`projection ${projection} failed on ${event.type} ${event.id} at (${event.position.tx}, ${event.position.pos}): ${messageOf(cause)}`);
    this.name = 'ProjectionEventError';
  }
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};
