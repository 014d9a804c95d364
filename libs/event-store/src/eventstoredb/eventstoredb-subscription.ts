import type { AllStreamResolvedEvent, Filter } from '@eventstore/db-client';
import {
  comparePositions,
  START,
  SubscriptionStoppedError,
  type LogPosition,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import { DEFAULT_BATCH_SIZE } from '../polling-subscription';
import type { CatchUpSource, EventStoreDbClientPort } from './eventstoredb-client';
import { ESDB_START } from './eventstoredb-constants';

export interface CatchUpContext {
  readonly client: EventStoreDbClientPort;
  /** Server-side filter: stream names starting with one of these (namespace included). */
  readonly prefixes: readonly string[];
  /** The port's event, or undefined for an event outside the store's log (system events). */
  readonly fromLog: (resolved: AllStreamResolvedEvent) => RecordedEvent | undefined;
  readonly headPosition: () => Promise<LogPosition>;
  readonly onEnded: (subscription: Subscription) => void;
}

export function startCatchUpSubscription(context: CatchUpContext, options: SubscribeOptions): Subscription {
  return new CatchUpSubscription(context, options);
}

interface CaughtUpWaiter {
  readonly target: LogPosition;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * An EventStoreDB catch-up subscription to $all (server-side stream-prefix filter) behind the
 * port's batch interface. Events are buffered as they arrive; the source is paused while a full
 * batch waits, and batches go to `onBatch` one at a time, the next only after the last resolved.
 * The checkpoint is the caller's: it persists the last position of each batch (in the read store,
 * in the same transaction as the projection's writes) and resumes with `after`.
 *
 * A dropped connection ends the subscription through `onError`; the caller resubscribes from its
 * checkpoint. Nothing here retries on its own, so a failure is never hidden.
 */
class CatchUpSubscription implements Subscription {
  private readonly batchSize: number;
  /**
   * `eventTypes`, applied here: the server filters $all on one thing only, and that is the stream
   * prefix (the store's namespace).
   */
  private readonly types: ReadonlySet<string> | undefined;
  private readonly source: CatchUpSource;
  private buffer: RecordedEvent[] = [];
  /** Last position handed to onBatch and resolved. */
  private delivered: LogPosition;
  /** Last position put in the buffer: a subscription from a position may repeat it. */
  private queued: LogPosition;
  private draining: Promise<void> | undefined;
  private stopped = false;
  private ended = false;
  private failure: { readonly error: unknown } | undefined;
  private waiters: CaughtUpWaiter[] = [];

  constructor(
    private readonly context: CatchUpContext,
    private readonly options: SubscribeOptions,
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError('batchSize is a positive integer');
    this.types = options.eventTypes && new Set(options.eventTypes);
    this.delivered = options.after ?? START;
    this.queued = this.delivered;
    const from = this.delivered;
    this.source = context.client.subscribeToAll({
      fromPosition: from.tx === 0n && from.pos === 0n ? ESDB_START : { commit: from.tx, prepare: from.pos },
      // What the client's streamNameFilter({ prefixes }) builds.
      filter: { filterOn: 'streamName', prefixes: [...context.prefixes], checkpointInterval: 1 } satisfies Filter,
    });
    this.source.on('data', (resolved) => this.receive(resolved));
    this.source.on('error', (error) => this.fail(error));
    this.source.on('end', () => this.fail(new Error('the EventStoreDB server ended the catch-up subscription')));
  }

  async caughtUp(): Promise<void> {
    if (this.failure) throw this.failure.error;
    if (this.ended) throw new SubscriptionStoppedError();
    const target = await this.context.headPosition();
    return new Promise<void>((resolve, reject) => {
      if (comparePositions(this.delivered, target) >= 0) resolve();
      else if (this.failure) reject(this.failure.error);
      else if (this.ended || this.stopped) reject(new SubscriptionStoppedError());
      else this.waiters.push({ target, resolve, reject });
    });
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      await this.source.unsubscribe().catch(() => undefined);
    }
    await this.draining;
    this.end();
  }

  private receive(resolved: AllStreamResolvedEvent): void {
    if (this.stopped) return;
    let event: RecordedEvent | undefined;
    try {
      event = this.context.fromLog(resolved);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!event || comparePositions(event.position, this.queued) <= 0) return;
    this.queued = event.position;
    this.buffer.push(event);
    if (this.buffer.length >= this.batchSize && !this.source.isPaused()) this.source.pause();
    if (!this.draining) this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      // Let the events that are already on their way join this batch.
      await new Promise((resolve) => setImmediate(resolve));
      while (!this.stopped && this.buffer.length > 0) {
        const window = this.buffer.splice(0, this.batchSize);
        const through = window[window.length - 1]!.position;
        await this.options.onBatch(this.types ? window.filter((event) => this.types!.has(event.type)) : window, { through, scanned: window.length });
        this.delivered = through;
        this.settleWaiters();
        if (!this.stopped && this.buffer.length < this.batchSize && this.source.isPaused()) this.source.resume();
      }
    } catch (error) {
      this.draining = undefined;
      this.fail(error);
    } finally {
      this.draining = undefined;
    }
  }

  private fail(error: unknown): void {
    if (this.stopped || this.ended) return;
    this.failure = { error };
    this.stopped = true;
    void this.source.unsubscribe().catch(() => undefined);
    try {
      this.options.onError?.(error);
    } catch {
      // The handler's own failure must not hide the one it was told about.
    }
    void Promise.resolve(this.draining).then(() => this.end());
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.buffer = [];
    const error = this.failure ? this.failure.error : new SubscriptionStoppedError();
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.context.onEnded(this);
  }

  private settleWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (comparePositions(this.delivered, waiter.target) < 0) return true;
      waiter.resolve();
      return false;
    });
  }
}
