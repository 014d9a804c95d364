import { parentPort } from 'node:worker_threads';
import { startLifecycleFold } from '../lifecycle/lifecycle-fold-thread';
import { startLoyaltyFold } from '../points/loyalty-fold-thread';
import { FoldEventError } from './fold-event-error';
import type { FoldAnswer, FoldKind, FoldRequest } from './fold-thread';

/**
 * The thread side of fold-thread.ts: the folds it was handed, and a batch applied to one of them per
 * request, one at a time, in the order asked (the requests of one turn come in one message).
 */

/** A fold as the thread holds it. */
export interface HeldFold {
  /** Throws FoldEventError for an event it cannot apply. */
  apply(batch: FoldRequest['batch']): { readonly output: unknown; readonly complete: boolean };
}

/** How each kind of fold starts from what the main thread hands over with its first batch here. */
const STARTS: Readonly<Record<FoldKind, (start: unknown) => HeldFold>> = { loyalty: startLoyaltyFold, lifecycle: startLifecycleFold };

const folds = new Map<string, { readonly id: string; readonly fold: HeldFold }>();

function answer(request: FoldRequest): FoldAnswer {
  const key = `${request.kind}:${request.key}`;
  let held = folds.get(key);
  if (held?.id !== request.id) {
    // Only the first batch brings the start: a fold this thread does not hold otherwise is one an
    // earlier thread held, and its caller goes on without the thread.
    if (request.start === undefined) return { call: request.call, unknown: true };
    held = { id: request.id, fold: STARTS[request.kind](request.start) };
    folds.set(key, held);
  }
  try {
    const { output, complete } = held.fold.apply(request.batch);
    // A fold that outgrew what it keeps goes on in the main thread, reading from its table.
    if (!complete) folds.delete(key);
    return { call: request.call, output, complete };
  } catch (error) {
    folds.delete(key);
    if (!(error instanceof FoldEventError)) return { call: request.call, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    const cause = error.cause as { message?: unknown; code?: unknown } | undefined;
    return { call: request.call, failed: { index: error.index, message: String(cause?.message ?? cause), ...(typeof cause?.code === 'string' && { code: cause.code }) } };
  }
}

parentPort!.on('message', (requests: readonly FoldRequest[]) => {
  for (const request of requests) parentPort!.postMessage(answer(request));
});
parentPort!.postMessage({ call: -1, ready: true } satisfies FoldAnswer);
