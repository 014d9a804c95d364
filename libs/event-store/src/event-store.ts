/**
 * The event store port. Every adapter (in-memory, embedded PGlite, Postgres, EventStoreDB)
 * implements exactly this and passes the shared contract suite in `testing/`.
 */

/**
 * Expected revision of a stream before an append. Revisions are 0-based, like EventStoreDB's.
 * `-1n` means the same as 'no-stream', so that an `AppendResult.nextExpectedRevision` of an empty
 * stream can be passed back as it is; any other negative bigint is refused.
 */
export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | bigint;

/** An event to append. `id` is derived from the upstream id, so a repeated append is recognised. */
export interface EventToAppend {
  readonly id: string; // uuid
  readonly type: string;
  readonly data: unknown; // JSON-serialisable; bigints are not allowed
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * A place in the global log. On Postgres: (transaction id, global position); on EventStoreDB:
 * (commit, prepare). Ordered lexicographically. Checkpoints store both halves, never one alone.
 */
export interface LogPosition {
  readonly tx: bigint;
  readonly pos: bigint;
}

export const START: LogPosition = Object.freeze({ tx: 0n, pos: 0n });

export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: LogPosition;
  readonly recordedAt: Date;
}

export interface AppendResult {
  readonly streamId: string;
  /** Revision of the last event in the stream after the append (-1n for a stream still empty). */
  readonly nextExpectedRevision: bigint;
  /** How many events were written; 0 when every event of the append was already stored. */
  readonly written: number;
}

export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
}

export interface ReadStreamOptions {
  readonly fromRevision?: bigint; // inclusive, default 0
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: the start of the log. */
  readonly after?: LogPosition;
  readonly maxCount: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint to resume after. Default: the start of the log. */
  readonly after?: LogPosition;
  /** Events of the log read per batch at most (skipped ones included, see `eventTypes`). */
  readonly batchSize?: number;
  /**
   * Only events of these types are handed to `onBatch` (filtered where the store can, in its query).
   * The others are still read past: a batch may then hold fewer events than the log window it
   * covers, or none at all, and `progress.through` tells how far it reached. Default: every type.
   */
  readonly eventTypes?: readonly string[];
  /**
   * Called with each batch, in log order. The next batch is read only after the promise resolves
   * (back-pressure). Persist `progress.through` as the checkpoint (without `eventTypes` that is
   * the position of the batch's last event).
   */
  readonly onBatch: (batch: readonly RecordedEvent[], progress: BatchProgress) => Promise<void>;
  /** Called once if reading or `onBatch` fails; the subscription has stopped by then. */
  readonly onError?: (error: unknown) => void;
}

/** How far a batch reached in the log: never empty, even when the batch is. */
export interface BatchProgress {
  /** Inclusive: the last event of the log the batch covers, handed over or skipped. */
  readonly through: LogPosition;
  /** Events of the log the batch covers, handed over or skipped. */
  readonly scanned: number;
}

/** The next window of at most `maxCount` events of the log, of which only `eventTypes` are wanted. */
export interface ReadWindowOptions extends ReadAllOptions {
  readonly eventTypes: readonly string[];
}

/** A window of the global log read with a type filter: the events that pass, and what the window covered. */
export interface LogWindow extends BatchProgress {
  readonly events: RecordedEvent[];
}

export interface Subscription {
  /**
   * Resolves once it has passed every event committed when called (`committedHeadPosition`), so
   * that a rebuild or a test does not stop short of writes the gap-safe read is still holding back.
   * Rejects with the subscription's error if it fails first, or SubscriptionStoppedError if
   * stopped first.
   */
  caughtUp(): Promise<void>;
  /**
   * Stops reading; resolves after the batch in flight (if any) is done. Do not await it inside
   * `onBatch`: that batch is the one it waits for.
   */
  stop(): Promise<void>;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;

  /**
   * All or nothing: if one stream's expected revision fails, nothing is written. Each stream may
   * appear once per call (InvalidAppendError otherwise). Results come back in the order given.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]>;

  /** Events of one stream in revision order; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Global log forward, never skipping an event committed by a concurrent transaction. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Catch-up, then live tail; see SubscribeOptions. */
  subscribeToAll(options: SubscribeOptions): Subscription;

  /** Position of the last event visible to readAll, or START for an empty log. */
  headPosition(): Promise<LogPosition>;

  /**
   * Position of the last event committed so far, visible to readAll or not yet: on Postgres readAll
   * shows an event only once every transaction older than its writer's has ended (anywhere in the
   * cluster), so this can run ahead of `headPosition`. Read-your-writes waits for this one.
   */
  committedHeadPosition(): Promise<LogPosition>;

  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no-stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** Some, but not all, event ids of an append are already stored: the caller lost track of the stream. */
export class PartialDuplicateAppendError extends Error {
  readonly code = 'EVENT_STORE.PARTIAL_DUPLICATE_APPEND';
  constructor(readonly streamId: string, readonly duplicateIds: readonly string[]) {
    super(`stream ${streamId}: ${duplicateIds.length} of the events are already stored, the others are not`);
    this.name = 'PartialDuplicateAppendError';
  }
}

/** An event id is already stored in another stream: two upstream facts were given the same id. */
export class DuplicateEventIdError extends Error {
  readonly code = 'EVENT_STORE.DUPLICATE_EVENT_ID';
  constructor(readonly streamId: string, readonly duplicateIds: readonly string[]) {
    super(`stream ${streamId}: event ids already stored in another stream: ${duplicateIds.join(', ')}`);
    this.name = 'DuplicateEventIdError';
  }
}

/**
 * The append itself is malformed (not a uuid, a repeated id or stream in one call, data that is not
 * JSON, an impossible expected revision). Nothing is written; retrying cannot help.
 */
export class InvalidAppendError extends Error {
  readonly code = 'EVENT_STORE.INVALID_APPEND';
  constructor(readonly streamId: string, readonly reason: string) {
    super(`stream ${streamId}: ${reason}`);
    this.name = 'InvalidAppendError';
  }
}

/** `caughtUp()` was waiting when the subscription was stopped. */
export class SubscriptionStoppedError extends Error {
  readonly code = 'EVENT_STORE.SUBSCRIPTION_STOPPED';
  constructor() {
    super('the subscription was stopped before it caught up');
    this.name = 'SubscriptionStoppedError';
  }
}

export const comparePositions = (a: LogPosition, b: LogPosition): number =>
  a.tx === b.tx ? (a.pos === b.pos ? 0 : a.pos < b.pos ? -1 : 1) : a.tx < b.tx ? -1 : 1;
