import type { LifecycleThresholds } from '@lifecycle/domain';
import { FoldOnThread } from '../fold-thread/fold-thread';
import type { HeldFold } from '../fold-thread/fold-thread.worker';
import { LifecycleFold, type LifecycleFoldOutput } from './lifecycle-fold';
import type { LifecycleRow } from './lifecycle.projection';

/** A batch as the fold thread takes it: the events, and whether new rows may go in with COPY. */
export interface LifecycleThreadBatch {
  readonly events: readonly { readonly type: string; readonly data: unknown }[];
  readonly copy: boolean;
}

/** What the thread's lifecycle fold starts from: the settings and the rows folded in the main thread until then. */
interface LifecycleStart {
  readonly thresholds: LifecycleThresholds;
  readonly version: number;
  readonly limit: number;
  readonly rows: Map<string, LifecycleRow | null>;
  readonly clock: string | null;
  readonly clockWritten: boolean;
}

const foldHere = (fold: LifecycleFold, batch: LifecycleThreadBatch) => {
  const output = fold.finish(fold.fold(batch.events), undefined, batch.copy);
  return { output, complete: fold.complete };
};

/** A lifecycle build from the start of the log, on the fold thread (a complete fold: it never reads its tables). */
export const lifecycleFoldOnThread = (thresholds: LifecycleThresholds, version: number, limit: number): FoldOnThread<LifecycleFold, LifecycleThreadBatch, LifecycleFoldOutput> =>
  new FoldOnThread('lifecycle', String(version), new LifecycleFold(thresholds, version, true, limit), {
    fold: foldHere,
    handover: (fold): LifecycleStart => ({ thresholds, version, limit, rows: fold.rows, clock: fold.clock ?? null, clockWritten: fold.clockWritten }),
  });

/** The thread side (fold-thread.worker.ts). */
export function startLifecycleFold(start: unknown): HeldFold {
  const s = start as LifecycleStart;
  const fold = new LifecycleFold(s.thresholds, s.version, true, s.limit);
  for (const [id, row] of s.rows) fold.adopt(id, row);
  fold.clock = s.clock;
  fold.clockWritten = s.clockWritten;
  return { apply: (batch) => foldHere(fold, batch as unknown as LifecycleThreadBatch) };
}
