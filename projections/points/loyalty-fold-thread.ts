import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { encodeReplay, type LoyaltyRules } from '@lifecycle/domain';
import type { RecordedEvent } from '@lifecycle/event-store';
import { LoyaltyFold, LoyaltyFoldEventError, type LoyaltyFoldOutput, type ReplayTable } from './loyalty-fold';

/**
 * The loyalty folds of points and tier on a thread of their own (loyalty-fold.worker.ts). On a
 * rebuild they are a third of the main thread's work; there they run while the other projections
 * of the batch fold and the database writes, on the machine's second core.
 *
 * The thread holds the replays of the folds it was given; the main thread holds nothing of them.
 * Whatever goes wrong with the thread (it ended, it no longer holds a fold) leaves the caller to go
 * on without it, reading the replays it needs from its table.
 */
export interface FoldRequest {
  readonly call: number;
  /** The fold: one per projection memory (a forgotten memory starts a new one). */
  readonly id: string;
  readonly table: string;
  readonly version: number;
  /** With the first batch the thread folds only: the rules, and the replays folded here until then (as stored). */
  readonly start?: { readonly rules: LoyaltyRules; readonly replays: readonly (readonly [string, string])[] };
  readonly limit: number;
  readonly events: readonly { readonly type: string; readonly data: unknown }[];
  readonly due: readonly string[];
  readonly copy: boolean;
}

export type FoldAnswer =
  | { readonly call: -1; readonly ready: true }
  | { readonly call: number; readonly output: LoyaltyFoldOutput; readonly complete: boolean }
  | { readonly call: number; readonly unknown: true }
  | { readonly call: number; readonly failed: { readonly index: number; readonly message: string; readonly code?: string } }
  | { readonly call: number; readonly error: string };

/** What `LoyaltyFoldOnThread.apply` gives: the batch's rows, or why the caller must fold it itself. */
export type ThreadFoldResult =
  | { readonly output: LoyaltyFoldOutput; readonly complete: boolean }
  | { readonly failed: { readonly index: number; readonly cause: Error } }
  | { readonly unavailable: true };

export class LoyaltyFoldThreadError extends Error {
  readonly code = 'PROJECTION.FOLD_THREAD';
  constructor(message: string) {
    super(`the loyalty fold thread failed: ${message}`);
    this.name = 'LoyaltyFoldThreadError';
  }
}

// The thread runs the TypeScript sources as the process does (bin/register.js: ts-node, path aliases).
const REGISTER = join(__dirname, '..', '..', 'bin', 'register.js');
const ENTRY = join(__dirname, 'loyalty-fold.worker.ts');

class FoldThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (answer: FoldAnswer) => void; reject: (error: Error) => void }>();
  private nextCall = 0;
  ended = false;
  /** Its modules are loaded: until then its folds go on in the main thread. */
  ready = false;
  readonly whenReady: Promise<void>;
  private markReady!: () => void;

  constructor() {
    this.whenReady = new Promise((resolve) => (this.markReady = resolve));
    this.worker = new Worker(`require(${JSON.stringify(REGISTER)}); require(${JSON.stringify(ENTRY)});`, { eval: true });
    // An idle thread never keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (answer: FoldAnswer) => {
      if ('ready' in answer) {
        this.ready = true;
        this.markReady();
        return;
      }
      const call = this.pending.get(answer.call);
      this.pending.delete(answer.call);
      if ('output' in answer) foldedOnThread++;
      if (this.pending.size === 0) this.worker.unref();
      call?.resolve(answer);
    });
    const end = (error: Error) => {
      this.ended = true;
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => end(new LoyaltyFoldThreadError(error.message)));
    this.worker.on('exit', (code) => end(new LoyaltyFoldThreadError(`it exited (code ${code})`)));
  }

  ask(request: Omit<FoldRequest, 'call'>): Promise<FoldAnswer> {
    if (this.ended) return Promise.reject(new LoyaltyFoldThreadError('it has ended'));
    const call = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.pending.set(call, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...request, call });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

let shared: FoldThread | undefined;
let foldedOnThread = 0;

/** Batches the thread has folded in this process (tests, and the bench's note). */
export const batchesFoldedOnThread = (): number => foldedOnThread;

const thread = (): FoldThread => {
  if (!shared || shared.ended) shared = new FoldThread();
  return shared;
};

/** Starts the thread unless it runs, and resolves once it takes folds. */
export const startLoyaltyFoldThread = (): Promise<void> => thread().whenReady;

/** Ends the thread (tests); the folds it held go on without it. */
export async function stopLoyaltyFoldThread(): Promise<void> {
  const running = shared;
  shared = undefined;
  await running?.terminate();
}

/**
 * One projection memory's fold, held by the thread. Starting the thread takes most of a second
 * (ts-node compiles the domain again there), so the first batches fold here meanwhile and their
 * replays go to the thread, as the table would store them, with the first batch it folds.
 */
export class LoyaltyFoldOnThread<Row> {
  private readonly id = randomUUID();
  private readonly thread = thread();
  private here: LoyaltyFold<Row> | undefined;

  constructor(
    private readonly spec: ReplayTable<Row>,
    private readonly version: number,
    private readonly rules: LoyaltyRules,
    private readonly limit: number,
  ) {
    this.here = new LoyaltyFold(spec, version, rules, true, limit);
  }

  async apply(events: readonly RecordedEvent[], due: readonly string[], copy: boolean): Promise<ThreadFoldResult> {
    const here = this.here;
    if (here && (!this.thread.ready || this.thread.ended)) {
      try {
        return { output: here.apply(events, due, copy), complete: here.complete };
      } catch (error) {
        if (error instanceof LoyaltyFoldEventError) return { failed: { index: error.index, cause: error.cause instanceof Error ? error.cause : new Error(String(error.cause)) } };
        throw error;
      }
    }
    this.here = undefined;
    // Handed over already, to a thread that has ended since: the caller goes on without it.
    if (this.thread.ended && !here) return { unavailable: true };
    const answer = await this.thread.ask({
      id: this.id,
      table: this.spec.table,
      version: this.version,
      ...(here && { start: { rules: this.rules, replays: [...here.replays].map(([id, replay]) => [id, JSON.stringify(encodeReplay(replay))] as const) } }),
      limit: this.limit,
      // The fold reads an event's type and data only; the rest would be copied for nothing.
      events: events.map((e) => ({ type: e.type, data: e.data })),
      due,
      copy,
    });
    if ('unknown' in answer) return { unavailable: true };
    if ('error' in answer) throw new LoyaltyFoldThreadError(answer.error);
    if ('failed' in answer) return { failed: { index: answer.failed.index, cause: Object.assign(new Error(answer.failed.message), answer.failed.code === undefined ? {} : { code: answer.failed.code }) } };
    if ('ready' in answer) throw new LoyaltyFoldThreadError('an answer without a call');
    return answer;
  }
}
