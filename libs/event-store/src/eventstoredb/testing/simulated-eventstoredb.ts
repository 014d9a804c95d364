import { Readable } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult,
  type Direction,
  type EventData,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { CatchUpSource, EventStoreDbClientPort } from '../eventstoredb-client';

interface StoredRecord {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly dataJson: string;
  readonly metadataJson: string | undefined;
  readonly created: Date;
  readonly position: Position;
}

export interface SimulatedEventStoreDbOptions {
  /** A system event ($stats-...) is written after every this many appends, as a real node does. Default 3. */
  readonly systemEventEvery?: number;
}

/**
 * An in-process stand-in for an EventStoreDB node behind `@eventstore/db-client`, for the places
 * where no server runs (this machine, CI). It is NOT EventStoreDB: it models the documented
 * behaviour the adapter relies on, so the adapter's own logic (id classification, retries, error
 * mapping, $all filtering and paging, the catch-up subscription's batching) can be run through the
 * contract suite. What it models:
 *
 * - appends: an exact expected revision (or no_stream) equal to the stream's writes; one below it
 *   is an idempotent success when the events after it carry the same ids in the same order, else
 *   WrongExpectedVersion; 'any' / 'stream_exists' are idempotent when the first id is found and
 *   the rest follow it, and otherwise write (duplicates included: the server keeps no id index);
 * - $all: every record, system events included, ordered by (commit, prepare); a record's commit
 *   and prepare positions are equal (one record, one position); reads from a position include it;
 * - catch-up subscriptions: from a position (exclusive), server-side stream-name prefix filter,
 *   live after catching up, back-pressure through the readable's buffer;
 * - every call crosses an event-loop turn on the way in and out, so concurrent calls interleave.
 */
export class SimulatedEventStoreDb implements EventStoreDbClientPort {
  private readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly listeners = new Set<() => void>();
  private nextPosition = 64n;
  private appends = 0;
  private disposed = false;
  /** Test hook: runs inside every append, just before the server decides it (to play another writer). */
  beforeAppend: ((streamName: string) => void) | undefined;

  constructor(private readonly options: SimulatedEventStoreDbOptions = {}) {
    this.writeSystem('$users', '$User');
    this.writeSystem('$settings', '$settings');
  }

  async appendToStream(streamName: string, events: EventData[], options: { expectedRevision: AppendExpectedRevision }): Promise<AppendResult> {
    this.checkOpen();
    await turn();
    this.beforeAppend?.(streamName);
    const result = this.decideAndWrite(streamName, events, options.expectedRevision);
    await turn();
    return result;
  }

  /** Synchronous append, for test set-up and the beforeAppend hook. */
  writeNow(streamName: string, events: EventData[], expectedRevision: AppendExpectedRevision = ANY): AppendResult {
    return this.decideAndWrite(streamName, events, expectedRevision);
  }

  readStream(streamName: string, options: { fromRevision?: ReadRevision; maxCount?: number | bigint; direction?: Direction } = {}): AsyncIterable<ResolvedEvent> {
    this.checkOpen();
    const streams = this.streams;
    return (async function* () {
      await turn();
      const stream = streams.get(streamName);
      if (!stream) throw new StreamNotFoundError(undefined, streamName);
      const backwards = options.direction === BACKWARDS;
      const from = options.fromRevision ?? (backwards ? END : START);
      let records = backwards ? [...stream].reverse() : [...stream];
      if (typeof from === 'bigint') records = records.filter((r) => (backwards ? r.revision <= from : r.revision >= from));
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      for (const record of records.slice(0, max)) yield toResolved(record);
    })();
  }

  readAll(options: { fromPosition?: ReadPosition; maxCount?: number | bigint; direction?: Direction } = {}): AsyncIterable<AllStreamResolvedEvent> {
    this.checkOpen();
    const log = this.log;
    return (async function* () {
      await turn();
      const backwards = options.direction === BACKWARDS;
      const from = options.fromPosition ?? (backwards ? END : START);
      let records = backwards ? [...log].reverse() : [...log];
      if (typeof from === 'object') {
        records = records.filter((r) => (backwards ? comparePosition(r.position, from) <= 0 : comparePosition(r.position, from) >= 0));
      }
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      for (const record of records.slice(0, max)) yield toResolved(record);
    })();
  }

  subscribeToAll(options: { fromPosition?: ReadPosition; filter?: Filter } = {}): CatchUpSource {
    this.checkOpen();
    const from = options.fromPosition ?? START;
    const filter = options.filter;
    const prefixes = filter && filter.filterOn === 'streamName' && 'prefixes' in filter ? filter.prefixes : undefined;
    if (filter && !prefixes) throw new Error('the simulated server filters on stream-name prefixes only');
    const matches = (record: StoredRecord): boolean => !prefixes || prefixes.some((prefix) => record.streamId.startsWith(prefix));
    let cursor = from === START ? 0 : from === END ? this.log.length : this.log.findIndex((r) => comparePosition(r.position, from) > 0);
    if (cursor < 0) cursor = this.log.length;
    return new SimulatedSubscription(this.log, this.listeners, () => cursor, (next) => (cursor = next), matches);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  private checkOpen(): void {
    if (this.disposed) throw new Error('the simulated EventStoreDB client was disposed');
  }

  private decideAndWrite(streamName: string, events: EventData[], expected: AppendExpectedRevision): AppendResult {
    const stream = this.streams.get(streamName) ?? [];
    const current = BigInt(stream.length - 1); // -1n: no stream
    const wrongVersion = (): never => {
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current: current < 0n ? NO_STREAM : current });
    };
    const idempotentAt = (start: number): AppendResult | undefined => {
      if (start < 0 || !events.every((event, i) => stream[start + i]?.id === event.id.toLowerCase())) return undefined;
      const last = stream[start + events.length - 1]!;
      return { success: true, nextExpectedRevision: last.revision, position: last.position };
    };
    if (expected === ANY || expected === STREAM_EXISTS) {
      if (expected === STREAM_EXISTS && current < 0n) wrongVersion();
      const first = events.length > 0 ? stream.findIndex((r) => r.id === events[0]!.id.toLowerCase()) : -1;
      if (first >= 0) return idempotentAt(first) ?? wrongVersion();
    } else {
      const exact = expected === NO_STREAM ? -1n : expected;
      if (exact > current) wrongVersion();
      if (exact < current) return idempotentAt(Number(exact + 1n)) ?? wrongVersion();
    }
    if (events.length === 0) return { success: true, nextExpectedRevision: current, position: undefined };
    let last: StoredRecord | undefined;
    for (const event of events) last = this.writeRecord(streamName, event.id.toLowerCase(), event.type, JSON.stringify(event.data), event.metadata);
    this.appends++;
    if (this.appends % (this.options.systemEventEvery ?? 3) === 0) this.writeSystem('$stats-127.0.0.1:2113', '$statsCollected');
    for (const listener of [...this.listeners]) listener();
    return { success: true, nextExpectedRevision: last!.revision, position: last!.position };
  }

  private writeRecord(streamName: string, id: string, type: string, dataJson: string, metadata: unknown): StoredRecord {
    const stream = this.streams.get(streamName) ?? [];
    this.streams.set(streamName, stream);
    const position = { commit: this.nextPosition, prepare: this.nextPosition };
    this.nextPosition += 64n + BigInt(dataJson.length);
    const record: StoredRecord = {
      streamId: streamName,
      id,
      type,
      revision: BigInt(stream.length),
      dataJson,
      metadataJson: metadata === undefined ? undefined : JSON.stringify(metadata),
      created: new Date(),
      position,
    };
    stream.push(record);
    this.log.push(record);
    return record;
  }

  private writeSystem(streamName: string, type: string): void {
    this.writeRecord(streamName, crypto.randomUUID(), type, '{}', undefined);
  }
}

class SimulatedSubscription extends Readable implements CatchUpSource {
  private waiting = false;
  private stopped = false;

  constructor(
    private readonly log: readonly StoredRecord[],
    private readonly wakers: Set<() => void>,
    private readonly cursor: () => number,
    private readonly moveTo: (index: number) => void,
    private readonly matches: (record: StoredRecord) => boolean,
  ) {
    super({ objectMode: true, highWaterMark: 16 });
  }

  override _read(): void {
    setImmediate(() => this.pump());
  }

  async unsubscribe(): Promise<void> {
    this.stopped = true;
    this.wakers.delete(this.wake);
    this.destroy();
  }

  private readonly wake = (): void => {
    this.wakers.delete(this.wake);
    this.waiting = false;
    setImmediate(() => this.pump());
  };

  private pump(): void {
    if (this.stopped || this.destroyed) return;
    while (this.cursor() < this.log.length) {
      const record = this.log[this.cursor()]!;
      this.moveTo(this.cursor() + 1);
      if (!this.matches(record)) continue;
      if (!this.push(toResolved(record))) return;
    }
    if (!this.waiting) {
      this.waiting = true;
      this.wakers.add(this.wake);
    }
  }
}

function toResolved(record: StoredRecord): AllStreamResolvedEvent & ResolvedEvent {
  return {
    event: {
      streamId: record.streamId,
      id: record.id,
      isJson: true,
      revision: record.revision,
      type: record.type,
      created: record.created,
      data: JSON.parse(record.dataJson) as never,
      metadata: record.metadataJson === undefined ? undefined : (JSON.parse(record.metadataJson) as never),
      position: record.position,
    },
    commitPosition: record.position.commit,
  } as AllStreamResolvedEvent & ResolvedEvent;
}

function comparePosition(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
