// Types only at module level: the client (gRPC, protobuf: ~20 MB and a third of a second to load)
// is required when a store is connected, so that importing the library costs an engine that runs
// on PGlite or Postgres nothing.
import type { AllStreamResolvedEvent, Direction, EventData, ReadPosition, ReadRevision, ResolvedEvent } from '@eventstore/db-client';
import { validateAppends, type ValidatedAppend } from '../append-validation';
import {
  comparePositions,
  InvalidAppendError,
  PartialDuplicateAppendError,
  START,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type LogPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import type { EventStoreDbClientPort } from './eventstoredb-client';
import { BACKWARDS, END, ESDB_START, FORWARDS, isStreamNotFound, isWrongExpectedVersion, NO_STREAM } from './eventstoredb-constants';
import { startCatchUpSubscription } from './eventstoredb-subscription';

export interface EventStoreDbEventStoreOptions {
  /**
   * The stream-name prefixes that make up this engine's global log, e.g. `['customer-']`.
   * `readAll`, `headPosition` and `subscribeToAll` see only events of streams whose name starts
   * with one of them (after the namespace); an append to any other stream is refused, because its
   * events would never reach a projection. Prefixes starting with `$` (system streams) are refused.
   */
  readonly streamPrefixes: readonly string[];
  /**
   * Put in front of every stream name on the server and taken off again on read (default none).
   * Lets test runs, or several engines, share one server without seeing each other's events.
   */
  readonly namespace?: string;
  /** Events read from $all per round trip while filtering on the client (default 1000). */
  readonly readAllPageSize?: number;
  /** How often an append re-reads and retries when another writer moved the stream in between (default 50). */
  readonly appendAttempts?: number;
  /** Told when `appendToStreams` failed after it had already written some streams (default: process.emitWarning). */
  readonly onPartialBatch?: (message: string) => void;
}

/** What the server holds for one stream: its last revision and where each event id sits. */
interface StreamState {
  readonly revision: bigint | 'no-stream';
  readonly ids: ReadonlyMap<string, bigint>;
}

/** The server refused our exact revision: someone wrote between our read and our write. */
class OvertakenError extends Error {
  constructor(readonly streamId: string) {
    super(`stream ${streamId} moved between the read and the write`);
  }
}

type Plan =
  | { readonly kind: 'repeat'; readonly result: AppendResult }
  | { readonly kind: 'write'; readonly at: bigint | 'no-stream' };

/**
 * The EventStore port on EventStoreDB (`@eventstore/db-client`, gRPC).
 *
 * - Streams map one to one (plus the optional namespace); revisions are EventStoreDB's.
 * - An append reads the stream first and classifies the event ids against it (repeat, partial
 *   repeat, new), checks the caller's expected revision against what it read, and then appends
 *   with that exact revision, so that EventStoreDB's own optimistic concurrency makes the check and
 *   the write one step: if anyone wrote in between, the server refuses and the append starts again.
 * - The global log is `$all`, filtered to `streamPrefixes`; a position is (commit, prepare).
 * - Subscriptions are EventStoreDB catch-up subscriptions with a server-side stream-prefix filter.
 *
 * Known limits (see README.md next to this file): `appendToStreams` is all or nothing only against
 * everything but a concurrent writer (no multi-stream transaction in this client); an event id
 * stored in another stream is not detected (EventStoreDB scopes event ids to a stream).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly namespace: string;
  private readonly prefixes: readonly string[];
  private readonly pageSize: number;
  private readonly attempts: number;
  private readonly subscriptions = new Set<Subscription>();
  private readonly locks = new StreamLocks();
  private closed = false;

  constructor(
    private readonly client: EventStoreDbClientPort,
    private readonly options: EventStoreDbEventStoreOptions,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {
    this.namespace = options.namespace ?? '';
    if (!Array.isArray(options.streamPrefixes) || options.streamPrefixes.length === 0) {
      throw new RangeError('EventStoreDB event store: streamPrefixes names at least one stream-name prefix, e.g. ["customer-"]');
    }
    this.prefixes = options.streamPrefixes.map((prefix) => this.namespace + prefix);
    for (const prefix of this.prefixes) {
      if (prefix === '' || prefix.startsWith('$')) {
        throw new RangeError(`EventStoreDB event store: the stream prefix "${prefix}" would take in system streams ($...) or every stream`);
      }
    }
    this.pageSize = options.readAllPageSize ?? 1000;
    this.attempts = options.appendAttempts ?? 50;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new RangeError('readAllPageSize is a positive integer');
    if (!Number.isInteger(this.attempts) || this.attempts < 1) throw new RangeError('appendAttempts is a positive integer');
  }

  async appendToStream(streamId: string, events: readonly EventToAppend[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedRevision: options.expectedRevision }]);
    return result!;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const validated = validateAppends(appends);
    for (const append of validated) {
      if (!this.inLog(this.serverName(append.streamId))) {
        throw new InvalidAppendError(
          append.streamId,
          `the stream is outside this store's stream prefixes (${this.options.streamPrefixes.join(', ')}): its events would never reach readAll or a subscription`,
        );
      }
    }
    if (validated.length === 0) return [];
    // Appends through this store to one stream take turns, so that two identical appends racing in
    // one process see each other (the second reads the first's events and is answered as a repeat).
    return this.locks.run(
      validated.map((append) => append.streamId),
      () => this.appendChecked(validated),
    );
  }

  private async appendChecked(validated: readonly ValidatedAppend[]): Promise<AppendResult[]> {
    // Check every stream before writing any: a stale revision or a partial repeat anywhere stops
    // the batch with nothing written. Only a writer that moves one of the streams between this
    // check and our write to it can leave the batch half written (documented limit).
    for (let attempt = 1; ; attempt++) {
      const states = await Promise.all(validated.map((append) => this.readState(append.streamId)));
      const plans = validated.map((append, i) => plan(append, states[i]!));
      const results: AppendResult[] = [];
      const written: string[] = [];
      try {
        for (const [i, append] of validated.entries()) {
          const step = plans[i]!;
          if (step.kind === 'repeat') results.push(step.result);
          else if (append.events.length === 0) results.push({ streamId: append.streamId, nextExpectedRevision: revisionOf(step.at), written: 0 });
          else if (written.length === 0) {
            results.push(await this.write(append, step.at));
            written.push(append.streamId);
          } else {
            // Something is already written: this stream can no longer restart the batch, only itself.
            results.push(await this.appendOne(append, step.at));
            written.push(append.streamId);
          }
        }
        return results;
      } catch (error) {
        if (error instanceof OvertakenError && written.length === 0 && attempt < this.attempts) {
          await backoff(attempt);
          continue; // nothing written yet: read again and re-decide the whole batch
        }
        if (written.length > 0) {
          const warn = this.options.onPartialBatch ?? ((message: string) => process.emitWarning(message, 'EventStoreDbPartialBatch'));
          warn(
            `appendToStreams on EventStoreDB failed after writing ${written.join(', ')}: ${String(error)}. ` +
              'EventStoreDB has no multi-stream transaction; repeating the same batch completes it (the written streams are recognised as repeats).',
          );
        }
        if (!(error instanceof OvertakenError)) throw error;
        // Out of attempts: answer with the stream as it is now.
        const append = validated.find((a) => a.streamId === error.streamId)!;
        const state = await this.readState(append.streamId);
        throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, state.revision);
      }
    }
  }

  /** One stream on its own, retrying when another writer moves it between our read and our write. */
  private async appendOne(append: ValidatedAppend, firstAt: bigint | 'no-stream'): Promise<AppendResult> {
    let at = firstAt;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.write(append, at);
      } catch (error) {
        if (!(error instanceof OvertakenError) || attempt >= this.attempts) throw error;
      }
      await backoff(attempt);
      const step = plan(append, await this.readState(append.streamId));
      if (step.kind === 'repeat') return step.result;
      at = step.at;
    }
  }

  private async write(append: ValidatedAppend, at: bigint | 'no-stream'): Promise<AppendResult> {
    // What the client's jsonEvent() builds; the validated JSON text parsed back, so the server
    // gets exactly what was checked.
    const events = append.events.map(
      (event): EventData => ({
        id: event.id,
        contentType: 'application/json',
        type: event.type,
        data: JSON.parse(event.dataJson) as never,
        metadata: JSON.parse(event.metadataJson) as never,
      }),
    );
    let result;
    try {
      result = await this.client.appendToStream(this.serverName(append.streamId), events, {
        expectedRevision: at === 'no-stream' ? NO_STREAM : at,
      });
    } catch (error) {
      throw isWrongExpectedVersion(error) ? new OvertakenError(append.streamId) : error;
    }
    // With throwOnAppendFailure off a conflict comes back as success: false; the same thing.
    if (!result.success) throw new OvertakenError(append.streamId);
    return { streamId: append.streamId, nextExpectedRevision: result.nextExpectedRevision, written: append.events.length };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0n;
    if (fromRevision < 0n) throw new RangeError('fromRevision is >= 0');
    if (options.maxCount !== undefined && (!Number.isInteger(options.maxCount) || options.maxCount < 0)) {
      throw new RangeError('maxCount is a non-negative integer');
    }
    if (options.maxCount === 0) return [];
    const read: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(this.serverName(streamId), { fromRevision, maxCount: options.maxCount, direction: FORWARDS })) {
        const event = this.toRecorded(resolved);
        if (event) read.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return read;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { maxCount } = options;
    if (!Number.isInteger(maxCount) || maxCount < 1) throw new RangeError('maxCount is a positive integer');
    const after = options.after ?? START;
    const found: RecordedEvent[] = [];
    let cursor = after;
    // $all is read on the client side of the filter (this client sends no filter on reads), one
    // page at a time; a read from a position includes that position, so it is skipped.
    for (;;) {
      const page = await this.readAllPage(toReadPosition(cursor), FORWARDS);
      let moved = false;
      for (const resolved of page) {
        const position = positionOf(resolved);
        if (!position || comparePositions(position, cursor) <= 0) continue;
        cursor = position;
        moved = true;
        const event = this.fromLog(resolved);
        if (event) found.push(event);
        if (found.length === maxCount) return found;
      }
      if (!moved || page.length < this.pageSize) return found;
    }
  }

  /** $all has no gaps to wait for: what is committed is readable. */
  committedHeadPosition(): Promise<LogPosition> {
    return this.headPosition();
  }

  async headPosition(): Promise<LogPosition> {
    let from: ReadPosition = END;
    let before: LogPosition | undefined;
    for (;;) {
      const page = await this.readAllPage(from, BACKWARDS);
      let oldest: LogPosition | undefined;
      for (const resolved of page) {
        const position = positionOf(resolved);
        // A backwards read from a position starts with the event at it, already looked at.
        if (!position || (before && comparePositions(position, before) >= 0)) continue;
        oldest = position;
        if (this.fromLog(resolved)) return position;
      }
      if (page.length < this.pageSize || !oldest) return START;
      before = oldest;
      from = toReadPosition(oldest);
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = startCatchUpSubscription(
      {
        client: this.client,
        prefixes: this.prefixes,
        fromLog: (resolved) => this.fromLog(resolved),
        headPosition: () => this.headPosition(),
        onEnded: (ended) => this.subscriptions.delete(ended),
      },
      options,
    );
    this.subscriptions.add(subscription);
    if (this.closed) void subscription.stop();
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.onClose();
  }

  private async readAllPage(fromPosition: ReadPosition, direction: Direction): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition, maxCount: this.pageSize, direction })) page.push(resolved);
    return page;
  }

  private async readState(streamId: string): Promise<StreamState> {
    const ids = new Map<string, bigint>();
    let revision: bigint | 'no-stream' = 'no-stream';
    try {
      for await (const resolved of this.client.readStream(this.serverName(streamId), { fromRevision: ESDB_START as ReadRevision, direction: FORWARDS })) {
        if (!resolved.event) continue;
        ids.set(resolved.event.id.toLowerCase(), resolved.event.revision);
        revision = resolved.event.revision;
      }
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
    }
    return { revision, ids };
  }

  private serverName(streamId: string): string {
    return this.namespace + streamId;
  }

  private inLog(serverName: string): boolean {
    return this.prefixes.some((prefix) => serverName.startsWith(prefix));
  }

  /** An event of $all as the port's, or undefined when it is not part of this store's log. */
  private fromLog(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    const event = resolved.event;
    if (!event || event.type.startsWith('$') || !this.inLog(event.streamId)) return undefined;
    return this.toRecorded(resolved);
  }

  private toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
    const event = resolved.event;
    if (!event) return undefined;
    const position = positionOf(resolved);
    if (!position) throw new Error(`EventStoreDB returned event ${event.id} of ${event.streamId} without a log position`);
    if (!event.isJson) {
      throw new Error(`event ${event.id} in ${event.streamId} is not JSON: it was not written through this event store`);
    }
    const metadata = event.metadata ?? {};
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || metadata instanceof Uint8Array) {
      throw new Error(`event ${event.id} in ${event.streamId} has metadata that is not a JSON object: it was not written through this event store`);
    }
    return {
      id: event.id.toLowerCase(),
      type: event.type,
      data: event.data,
      metadata: metadata as Record<string, unknown>,
      streamId: event.streamId.startsWith(this.namespace) ? event.streamId.slice(this.namespace.length) : event.streamId,
      revision: event.revision,
      position,
      recordedAt: event.created,
    };
  }
}

/** One queue per stream; a batch takes its streams' turns in sorted order, so batches never deadlock. */
class StreamLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      for (const streamId of [...new Set(streamIds)].sort()) {
        const previous = this.tails.get(streamId) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((resolve) => (release = resolve));
        const tail = previous.then(() => mine);
        this.tails.set(streamId, tail);
        releases.push(() => {
          release();
          if (this.tails.get(streamId) === tail) this.tails.delete(streamId);
        });
        await previous;
      }
      return await work();
    } finally {
      for (const release of releases) release();
    }
  }
}

/** What an append means against the stream as it was read; throws for a partial repeat or a stale revision. */
function plan(append: ValidatedAppend, state: StreamState): Plan {
  const { streamId, events, expectedRevision } = append;
  const present = events.filter((event) => state.ids.has(event.id));
  if (events.length > 0 && present.length === events.length) {
    return { kind: 'repeat', result: { streamId, nextExpectedRevision: revisionOf(state.revision), written: 0 } };
  }
  if (present.length > 0) throw new PartialDuplicateAppendError(streamId, present.map((event) => event.id));
  const actual = state.revision;
  const fits =
    expectedRevision === 'any' ||
    (expectedRevision === 'no-stream' && actual === 'no-stream') ||
    (expectedRevision === 'stream-exists' && actual !== 'no-stream') ||
    (typeof expectedRevision === 'bigint' && actual === expectedRevision);
  if (!fits) throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
  return { kind: 'write', at: actual };
}

const toReadPosition = (position: LogPosition): ReadPosition =>
  position.tx === 0n && position.pos === 0n ? ESDB_START : { commit: position.tx, prepare: position.pos };

const revisionOf = (revision: bigint | 'no-stream'): bigint => (revision === 'no-stream' ? -1n : revision);

/** EventStoreDB's (commit, prepare) as the port's (tx, pos); both halves, ordered lexicographically like $all. */
function positionOf(resolved: ResolvedEvent | AllStreamResolvedEvent): LogPosition | undefined {
  const position = resolved.event?.position;
  return position ? { tx: position.commit, pos: position.prepare } : undefined;
}

/** Full jitter under a cap that doubles per attempt, at most 50 ms: writers that collided spread out. */
function backoff(attempt: number): Promise<void> {
  const cap = Math.min(50, 2 ** Math.min(attempt, 6));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
}

/** The store on a client the caller owns: `close()` stops the subscriptions and leaves the client open. */
export function createEventStoreDbEventStore(client: EventStoreDbClientPort, options: EventStoreDbEventStoreOptions): EventStore {
  return new EventStoreDbEventStore(client, options);
}

/**
 * The store on its own client, from a connection string such as
 * `esdb://localhost:2113?tls=false` (`EVENTSTORE_URL`); `close()` disposes of the client.
 * Nothing is sent to the server until the first call.
 */
export function connectEventStoreDbEventStore(connectionString: string, options: EventStoreDbEventStoreOptions): EventStore {
  const { EventStoreDBClient } = require('@eventstore/db-client') as typeof import('@eventstore/db-client');
  const client = EventStoreDBClient.connectionString(connectionString);
  return new EventStoreDbEventStore(client, options, () => client.dispose());
}
