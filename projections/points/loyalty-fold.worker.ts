import { parentPort } from 'node:worker_threads';
import { TIER_TABLE } from '../tier/tier.projection';
import { LoyaltyFold, LoyaltyFoldEventError, type ReplayTable } from './loyalty-fold';
import type { FoldAnswer, FoldRequest } from './loyalty-fold-thread';
import { POINTS_TABLE } from './points.projection';

/**
 * The thread side of loyalty-fold-thread.ts: the folds it was handed, by id, and a batch applied to
 * one of them per message, one message at a time.
 */
const TABLES: Readonly<Record<string, ReplayTable<unknown>>> = { points: POINTS_TABLE as ReplayTable<unknown>, tier: TIER_TABLE as ReplayTable<unknown> };

/** One fold per table and version: a newer id (the memory was forgotten and started again) replaces the older. */
const folds = new Map<string, { readonly id: string; readonly fold: LoyaltyFold<unknown> }>();

function answer(request: FoldRequest): FoldAnswer {
  const key = `${request.table}@${request.version}`;
  let held = folds.get(key);
  if (held?.id !== request.id) {
    // Only the first batch brings the rules: a fold this thread does not hold otherwise is one an
    // earlier thread held, and its caller goes on without the thread.
    if (request.start === undefined) return { call: request.call, unknown: true };
    held = { id: request.id, fold: new LoyaltyFold(TABLES[request.table]!, request.version, request.start.rules, true, request.limit) };
    for (const [customerId, stored] of request.start.replays) held.fold.adopt(customerId, stored);
    folds.set(key, held);
  }
  try {
    const output = held.fold.apply(request.events as never, request.due, request.copy);
    if (!held.fold.complete) folds.delete(key);
    return { call: request.call, output, complete: held.fold.complete };
  } catch (error) {
    folds.delete(key);
    if (!(error instanceof LoyaltyFoldEventError)) return { call: request.call, error: error instanceof Error ? error.stack ?? error.message : String(error) };
    const cause = error.cause as { message?: unknown; code?: unknown } | undefined;
    return {
      call: request.call,
      failed: { index: error.index, message: String(cause?.message ?? cause), ...(typeof cause?.code === 'string' && { code: cause.code }) },
    };
  }
}

parentPort!.on('message', (request: FoldRequest) => parentPort!.postMessage(answer(request)));
parentPort!.postMessage({ call: -1, ready: true } satisfies FoldAnswer);
