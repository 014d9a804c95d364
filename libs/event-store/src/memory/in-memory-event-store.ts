import { validateAppends, ValidatedAppend } from '../append-validation';
import {
  AppendResult,
  comparePositions,
  DuplicateEventIdError,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  LogPosition,
  PartialDuplicateAppendError,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  START,
  StreamAppend,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store';
import { AppendSignal, startPollingSubscription } from '../polling-subscription';

interface StoredEvent {
  readonly id: string;
  readonly type: string;
  // Kept as JSON text and parsed on every read, like jsonb: callers can neither share nor mutate it.
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: LogPosition;
  readonly recordedAt: Date;
}

export interface InMemoryEventStoreOptions {
  readonly pollIntervalMs?: number;
}

/**
 * The port in a few arrays, for unit tests of handlers and projections. Same semantics as the SQL
 * adapters (it passes the same contract suite); an append is one "transaction" with its own tx
 * number, so positions look like the real ones.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byId = new Map<string, StoredEvent>();
  private lastTx = 0n;
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly options: InMemoryEventStoreOptions = {}) {}

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedRevision: options.expectedRevision }]);
    return result!;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const validated = validateAppends(appends);
    // Check everything before writing anything: that is the whole transaction here. Repeats are
    // recognised before revisions are checked, so a retried append succeeds whatever it expected.
    const repeats = validated.map((append) => this.isRepeat(append));
    validated.forEach((append, index) => repeats[index] || this.checkRevision(append));
    const tx = ++this.lastTx;
    const recordedAt = new Date();
    const results = validated.map((append, index): AppendResult => {
      const stream = this.streams.get(append.streamId) ?? [];
      if (repeats[index] || append.events.length === 0) {
        return { streamId: append.streamId, nextExpectedRevision: BigInt(stream.length) - 1n, written: 0 };
      }
      for (const event of append.events) {
        const stored: StoredEvent = {
          ...event,
          streamId: append.streamId,
          revision: BigInt(stream.length),
          position: { tx, pos: BigInt(this.log.length + 1) },
          recordedAt,
        };
        stream.push(stored);
        this.log.push(stored);
        this.byId.set(stored.id, stored);
      }
      this.streams.set(append.streamId, stream);
      return { streamId: append.streamId, nextExpectedRevision: BigInt(stream.length) - 1n, written: append.events.length };
    });
    if (results.some((result) => result.written > 0)) this.signal.notify();
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Math.max(0, Number(options.fromRevision ?? 0n));
    const stream = this.streams.get(streamId) ?? [];
    return stream.slice(from, options.maxCount === undefined ? undefined : from + options.maxCount).map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    // Positions only grow, so the first event after the checkpoint is found by bisection.
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (comparePositions(this.log[middle]!.position, after) <= 0) low = middle + 1;
      else high = middle;
    }
    return this.log.slice(low, low + options.maxCount).map(toRecorded);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = startPollingSubscription(this, this.signal, options, {
      pollIntervalMs: this.options.pollIntervalMs,
      onEnded: (ended) => this.subscriptions.delete(ended),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<LogPosition> {
    return this.log.at(-1)?.position ?? START;
  }

  /** Every appended event is visible at once here. */
  committedHeadPosition(): Promise<LogPosition> {
    return this.headPosition();
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
  }

  /** True when every event of the append is already in its stream; throws when only some are. */
  private isRepeat(append: ValidatedAppend): boolean {
    const stored = append.events.filter((event) => this.byId.has(event.id));
    const elsewhere = stored.filter((event) => this.byId.get(event.id)!.streamId !== append.streamId);
    if (elsewhere.length > 0) throw new DuplicateEventIdError(append.streamId, elsewhere.map((event) => event.id));
    if (stored.length === 0) return false;
    if (stored.length < append.events.length) throw new PartialDuplicateAppendError(append.streamId, stored.map((event) => event.id));
    return true;
  }

  private checkRevision({ streamId, expectedRevision }: ValidatedAppend): void {
    const length = this.streams.get(streamId)?.length ?? 0;
    const actual = length === 0 ? 'no-stream' : BigInt(length - 1);
    const ok =
      expectedRevision === 'any' ||
      (expectedRevision === 'no-stream' && actual === 'no-stream') ||
      (expectedRevision === 'stream-exists' && actual !== 'no-stream') ||
      expectedRevision === actual;
    if (!ok) throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
  }
}

function toRecorded(event: StoredEvent): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    data: JSON.parse(event.dataJson),
    metadata: JSON.parse(event.metadataJson),
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    recordedAt: new Date(event.recordedAt),
  };
}
