import {
  comparePositions,
  LogPosition,
  LogWindow,
  ReadAllOptions,
  ReadWindowOptions,
  RecordedEvent,
  START,
  SubscribeOptions,
  Subscription,
  SubscriptionStoppedError,
} from './event-store';

/** What a subscription needs from a store: the gap-safe forward read and the last committed event. */
export interface GlobalLogReader {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  committedHeadPosition(): Promise<LogPosition>;
  /**
   * Optional: the next window of at most `maxCount` events of the log, keeping only `eventTypes`, in
   * one gap-safe read, so that the skipped events never leave the database. Without it the window is
   * read whole and filtered here.
   */
  readWindow?(options: ReadWindowOptions): Promise<LogWindow>;
}

/**
 * Wakes the sleeping subscriptions of one store as soon as that store has appended, so that the live
 * tail in one process does not wait for the next poll. Writes from other processes are found by
 * polling. (Postgres NOTIFY would wake other processes too, but a notifying transaction holds a
 * database-wide lock while it commits, which serialises every writer's commit: too dear for the
 * append path.)
 */
export class AppendSignal {
  private readonly listeners = new Set<() => void>();

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_POLL_INTERVAL_MS = 100;

export interface PollingSettings {
  readonly pollIntervalMs?: number;
  /** Called once when the subscription has ended (stopped or failed), so a store can forget it. */
  readonly onEnded?: (subscription: Subscription) => void;
}

export function startPollingSubscription(
  reader: GlobalLogReader,
  signal: AppendSignal,
  options: SubscribeOptions,
  settings: PollingSettings = {},
): Subscription {
  return new PollingSubscription(reader, signal, options, settings);
}

interface CaughtUpWaiter {
  readonly target: LogPosition;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One loop: read a batch after the checkpoint, hand it to `onBatch`, wait for it, move the
 * checkpoint, repeat; sleep when a read comes back short. Reading is the store's gap-safe readAll,
 * so the loop itself never has to reason about transactions.
 */
class PollingSubscription implements Subscription {
  private checkpoint: LogPosition;
  private readonly batchSize: number;
  /** `eventTypes`, for a reader without `readWindow`. */
  private readonly types: ReadonlySet<string> | undefined;
  private stopped = false;
  private ended = false;
  private failure: { readonly error: unknown } | undefined;
  private waiters: CaughtUpWaiter[] = [];
  // Set by an append signal that arrives while reading, so that it is not lost before the sleep.
  private woken = false;
  private interruptSleep: (() => void) | undefined;
  private readonly unlisten: () => void;
  private readonly loop: Promise<void>;

  constructor(
    private readonly reader: GlobalLogReader,
    signal: AppendSignal,
    private readonly options: SubscribeOptions,
    private readonly settings: PollingSettings,
  ) {
    this.checkpoint = options.after ?? START;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError('batchSize is a positive integer');
    this.types = options.eventTypes && new Set(options.eventTypes);
    this.unlisten = signal.listen(() => this.wake());
    this.loop = this.run();
  }

  async caughtUp(): Promise<void> {
    // Everything committed by now, not only what the gap-safe read shows yet: on Postgres one open
    // transaction anywhere on the server (another process's, another database's) hides later
    // commits from readers for a while, and "caught up" must not resolve before it has seen them.
    const target = await this.reader.committedHeadPosition();
    return new Promise<void>((resolve, reject) => {
      if (comparePositions(this.checkpoint, target) >= 0) resolve();
      else if (this.failure) reject(this.failure.error);
      else if (this.ended) reject(new SubscriptionStoppedError());
      else this.waiters.push({ target, resolve, reject });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private wake(): void {
    this.woken = true;
    this.interruptSleep?.();
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped) {
        this.woken = false;
        const window = await this.read();
        if (this.stopped) break;
        if (window) {
          await this.options.onBatch(window.events, { through: window.through, scanned: window.scanned });
          this.checkpoint = window.through;
        }
        this.settleWaiters();
        if ((window?.scanned ?? 0) < this.batchSize) await this.sleep();
      }
    } catch (error) {
      this.failure = { error };
      try {
        this.options.onError?.(error);
      } catch {
        // The handler's own failure must not hide the one it was told about.
      }
    } finally {
      this.ended = true;
      this.unlisten();
      const error = this.failure ? this.failure.error : new SubscriptionStoppedError();
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      this.settings.onEnded?.(this);
    }
  }

  /** The next window after the checkpoint; undefined when the log holds nothing more yet. */
  private async read(): Promise<LogWindow | undefined> {
    const { eventTypes } = this.options;
    const window = { after: this.checkpoint, maxCount: this.batchSize };
    if (eventTypes && this.reader.readWindow) {
      const read = await this.reader.readWindow({ ...window, eventTypes });
      return read.scanned > 0 ? read : undefined;
    }
    // The window read whole, and filtered here (the in-memory store).
    const read = await this.reader.readAll(window);
    if (read.length === 0) return undefined;
    const { types } = this;
    return { events: types ? read.filter((event) => types.has(event.type)) : read, through: read[read.length - 1]!.position, scanned: read.length };
  }

  private settleWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (comparePositions(this.checkpoint, waiter.target) < 0) return true;
      waiter.resolve();
      return false;
    });
  }

  private sleep(): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.interruptSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
      this.interruptSleep = done;
    });
  }
}
