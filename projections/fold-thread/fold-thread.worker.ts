import { parentPort } from 'node:worker_threads';
import { startLifecycleFold } from '../lifecycle/lifecycle-fold-thread';
import { startLoyaltyFold } from '../points/loyalty-fold-thread';
import type { FoldAnswer, FoldKind, FoldRequest } from './fold-thread';

/**
 * The thread side of fold-thread.ts: the folds it was handed, and a batch applied to one of them per
 * message, one message at a time.
 */
export interface HeldFold {
  /** Throws the fold's own error, with `index`, for an event it cannot apply. */
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
    const index = (error as { index?: unknown }).index;
    if (typeof index !== 'number') return { call: request.call, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    const cause = (error as { cause?: { message?: unknown; code?: unknown } }).cause;
    return { call: request.call, failed: { index, message: String(cause?.message ?? cause), ...(typeof cause?.code === 'string' && { code: cause.code }) } };
  }
}

parentPort!.on('message', (request: FoldRequest) => parentPort!.postMessage(answer(request)));
parentPort!.postMessage({ call: -1, ready: true } satisfies FoldAnswer);
