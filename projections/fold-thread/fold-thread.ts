import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FoldEventError } from './fold-event-error';

/**
 * The fold thread: the projections whose fold is most of a rebuild's work (the loyalty replays of
 * points and tier, lifecycle) fold there while the others fold in the main thread and the database
 * writes, on the machine's second core. The main thread sends a batch's events and gets back the
 * changed rows spelled as the statements take them; it writes them in the batch's transaction.
 *
 * The thread holds the state of the folds it was given (the rows they wrote); the main thread holds
 * nothing of them. Whatever goes wrong with the thread (it ended, it no longer holds a fold) leaves
 * the projection to go on without it, reading what it needs from its tables.
 */
export type FoldKind = 'loyalty' | 'lifecycle';

export interface FoldRequest {
  readonly call: number;
  readonly kind: FoldKind;
  /** The fold: one per projection memory (a forgotten memory starts a new one). */
  readonly id: string;
  /** The thread keeps one fold per key (table and version): a newer id replaces the older. */
  readonly key: string;
  /** With the first batch the thread folds only: what the fold needs to start (settings, the state folded so far). */
  readonly start?: unknown;
  /** The batch: the events (type and data only) and what the kind of fold asks besides. */
  readonly batch: { readonly events: readonly { readonly type: string; readonly data: unknown }[] } & Record<string, unknown>;
}

export type FoldAnswer =
  | { readonly call: -1; readonly ready: true }
  | { readonly call: number; readonly output: unknown; readonly complete: boolean }
  | { readonly call: number; readonly unknown: true }
  | { readonly call: number; readonly failed: { readonly index: number; readonly message: string; readonly code?: string } }
  | { readonly call: number; readonly error: string };

/**
 * What a fold on the thread gives for a batch: its output, or that the caller must fold it itself.
 * An event the fold cannot apply is thrown as FoldEventError, wherever the fold ran.
 */
export type ThreadFoldResult<Output> = { readonly output: Output; readonly complete: boolean } | { readonly unavailable: true };

export class FoldThreadError extends Error {
  readonly code = 'PROJECTION.FOLD_THREAD';
  constructor(message: string) {
    super(`the fold thread failed: ${message}`);
    this.name = 'FoldThreadError';
  }
}

// The thread runs the TypeScript sources, with the path aliases, like the process (bin/register.js).
// Its modules are transpiled by sucrase rather than ts-node: 0.2 s to start instead of 0.8 s, which
// is the first batches of a rebuild. They use no decorators, which sucrase does not emit metadata for.
const ROOT = join(__dirname, '..', '..');
const BOOT = [
  `require(${JSON.stringify(require.resolve('sucrase/register/ts'))});`,
  `require(${JSON.stringify(require.resolve('tsconfig-paths'))}).register({ baseUrl: ${JSON.stringify(ROOT)}, paths: require(${JSON.stringify(join(ROOT, 'tsconfig.json'))}).compilerOptions.paths });`,
  `require(${JSON.stringify(join(__dirname, 'fold-thread.worker.ts'))});`,
].join('\n');

/** The process's flags without its preloads: a thread inherits them, and ts-node there would do sucrase's work again. */
const withoutPreloads = (flags: readonly string[]): string[] =>
  flags.filter((flag, i) => !/^(-r|--require)(=|$)/.test(flag) && !/^(-r|--require)$/.test(flags[i - 1] ?? ''));

/** A thread with nothing to do ends after this long: the folds it held go on in the main thread, reading their tables. */
export const FOLD_THREAD_IDLE_MS = 30_000;

class FoldThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (answer: FoldAnswer) => void; reject: (error: Error) => void }>();
  private nextCall = 0;
  /** Requests asked in one turn go in one message: the events the folds share (a purchase is in all three) are copied once. */
  private outbox: FoldRequest[] = [];
  private idle: NodeJS.Timeout | undefined;
  ended = false;
  /** Its modules are loaded (about 0.2 s): until then folds go on in the main thread. */
  ready = false;
  readonly whenReady: Promise<void>;

  constructor() {
    let markReady!: () => void;
    this.whenReady = new Promise((resolve) => (markReady = resolve));
    this.worker = new Worker(BOOT, { eval: true, execArgv: withoutPreloads(process.execArgv) });
    // An idle thread never keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (answer: FoldAnswer) => {
      if ('ready' in answer) {
        this.ready = true;
        markReady();
        if (this.pending.size === 0) this.idleFromNow();
        return;
      }
      const call = this.pending.get(answer.call);
      this.pending.delete(answer.call);
      if ('output' in answer) foldedOnThread++;
      if (this.pending.size === 0) {
        this.worker.unref();
        this.idleFromNow();
      }
      call?.resolve(answer);
    });
    const end = (error: Error) => {
      this.ended = true;
      clearTimeout(this.idle);
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => end(new FoldThreadError(error.message)));
    this.worker.on('exit', (code) => end(new FoldThreadError(`it exited (code ${code})`)));
  }

  ask(request: Omit<FoldRequest, 'call'>): Promise<FoldAnswer> {
    if (this.ended) return Promise.reject(new FoldThreadError('it has ended'));
    const call = this.nextCall++;
    clearTimeout(this.idle);
    return new Promise((resolve, reject) => {
      this.pending.set(call, { resolve, reject });
      this.worker.ref();
      this.outbox.push({ ...request, call });
      if (this.outbox.length === 1) {
        queueMicrotask(() => {
          const requests = this.outbox;
          this.outbox = [];
          if (!this.ended) this.worker.postMessage(requests);
        });
      }
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private idleFromNow(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      // Ended from this moment, not when the thread has gone: a fold asking meanwhile goes on without it.
      this.ended = true;
      void this.worker.terminate();
    }, FOLD_THREAD_IDLE_MS);
    this.idle.unref();
  }
}

let shared: FoldThread | undefined;
let foldedOnThread = 0;

const thread = (): FoldThread => {
  if (!shared || shared.ended) shared = new FoldThread();
  return shared;
};

/** Batches the thread has folded in this process (tests). */
export const batchesFoldedOnThread = (): number => foldedOnThread;

/**
 * Starts the thread unless it runs or the mode is `off`, and resolves once it takes folds. The engine
 * and `projections rebuild` call it as they start, so that the thread loads while the database opens;
 * unused, it ends after FOLD_THREAD_IDLE_MS.
 */
export const startFoldThread = (): Promise<void> => (mode === 'off' ? Promise.resolve() : thread().whenReady);

/** Ends the thread (the engine's shutdown, tests); the folds it held go on without it. */
export async function stopFoldThread(): Promise<void> {
  const running = shared;
  shared = undefined;
  await running?.terminate();
}

/** Below this many events in its first batch a build folds in the main thread: the thread would cost more than it saves. */
export const FOLD_THREAD_MIN_EVENTS = 1000;

/**
 * Which builds fold on the thread: `auto` (the default) a build from the start of the log whose first
 * batch is large (a rebuild catching up); `on` every build from the start; `off` none.
 */
export type FoldThreadMode = 'auto' | 'on' | 'off';

let mode: FoldThreadMode = 'auto';

/** Sets the mode for the memories created from now on (the engine and the CLI, from LIFECYCLE_FOLD_THREAD); returns the one before. */
export function setFoldThreadMode(next: FoldThreadMode): FoldThreadMode {
  const previous = mode;
  mode = next;
  return previous;
}

/** Whether a projection memory's fold goes to the thread. */
export function foldsOnThread(fromStart: boolean, firstBatch: number): boolean {
  return fromStart && (mode === 'on' || (mode === 'auto' && firstBatch >= FOLD_THREAD_MIN_EVENTS));
}

/** How one kind of fold runs here until the thread is ready, and what it hands over then. */
export interface FoldHere<Here, Batch, Output> {
  /** Folds a batch in this thread (throws FoldEventError for an event it cannot apply). */
  fold(here: Here, batch: Batch): { readonly output: Output; readonly complete: boolean };
  /** What the thread's fold starts from: the settings and the state folded here so far, as plain data. */
  handover(here: Here): unknown;
}

/**
 * One projection memory's fold, held by the thread. The first batches fold here while the thread
 * starts; their state goes over with the first batch the thread folds. A batch may be started as
 * soon as it is read (`start`, from the projection's look-ahead), while the batches before it are
 * still being applied: the fold never reads its tables, so it need not wait for them.
 */
export class FoldOnThread<Here, Batch extends { readonly events: readonly { readonly type: string; readonly data: unknown }[] }, Output> {
  private readonly id = randomUUID();
  private readonly thread = thread();
  private here: Here | undefined;
  /** Batches started ahead of `apply`, by their events array, in log order. */
  private readonly started = new Map<readonly unknown[], Promise<ThreadFoldResult<Output>>>();

  constructor(
    private readonly kind: FoldKind,
    private readonly key: string,
    here: Here,
    private readonly local: FoldHere<Here, Batch, Output>,
  ) {
    this.here = here;
  }

  /** Starts folding a batch now. Batches must be started in log order. */
  start(batch: Batch): void {
    if (this.started.has(batch.events)) return;
    const result = this.fold(batch);
    // The batch may never be applied with this fold (the runner dropped its memory): nobody waits then.
    result.catch(() => undefined);
    this.started.set(batch.events, result);
  }

  /** The batch's rows: the fold started ahead, or started now. */
  apply(batch: Batch): Promise<ThreadFoldResult<Output>> {
    const started = this.started.get(batch.events);
    if (started) {
      this.started.delete(batch.events);
      return started;
    }
    if (this.started.size > 0) return Promise.reject(new FoldThreadError('a batch came after batches that were started ahead of it'));
    return this.fold(batch);
  }

  private async fold(batch: Batch): Promise<ThreadFoldResult<Output>> {
    const here = this.here;
    if (here !== undefined && (!this.thread.ready || this.thread.ended)) return this.local.fold(here, batch);
    this.here = undefined;
    // Handed over already, to a thread that has ended since: the caller goes on without it.
    if (this.thread.ended && here === undefined) return { unavailable: true };
    const answer = await this.thread.ask({
      kind: this.kind,
      id: this.id,
      key: this.key,
      ...(here !== undefined && { start: this.local.handover(here) }),
      // The folds read an event's type and data only; the rest would be copied for nothing.
      batch: { ...batch, events: batch.events.map((e) => ({ type: e.type, data: e.data })) },
    });
    if ('unknown' in answer) return { unavailable: true };
    if ('error' in answer) throw new FoldThreadError(answer.error);
    if ('failed' in answer) throw new FoldEventError(answer.failed.index, Object.assign(new Error(answer.failed.message), answer.failed.code === undefined ? {} : { code: answer.failed.code }));
    if ('ready' in answer) throw new FoldThreadError('an answer without a call');
    return { output: answer.output as Output, complete: answer.complete };
  }
}
