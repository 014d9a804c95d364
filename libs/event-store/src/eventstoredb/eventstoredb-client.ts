import type {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  AppendResult,
  Direction,
  EventData,
  Filter,
  ReadPosition,
  ReadRevision,
  ResolvedEvent,
} from '@eventstore/db-client';

/**
 * The part of `@eventstore/db-client`'s `EventStoreDBClient` the adapter uses, and nothing more.
 * The real client satisfies it as it is (`connectEventStoreDbEventStore` passes one); the
 * simulated client in `testing/` implements it to run the contract suite where no server runs.
 */
export interface EventStoreDbClientPort {
  appendToStream(streamName: string, events: EventData[], options: { expectedRevision: AppendExpectedRevision }): Promise<AppendResult>;
  /** Fails while iterating with `StreamNotFoundError` when the stream does not exist. */
  readStream(streamName: string, options: { fromRevision?: ReadRevision; maxCount?: number | bigint; direction?: Direction }): AsyncIterable<ResolvedEvent>;
  /** Unfiltered: this client version sends no filter on reads of $all (only on subscriptions). */
  readAll(options: { fromPosition?: ReadPosition; maxCount?: number | bigint; direction?: Direction }): AsyncIterable<AllStreamResolvedEvent>;
  subscribeToAll(options: { fromPosition?: ReadPosition; filter?: Filter }): CatchUpSource;
  dispose(): Promise<void>;
}

/** A catch-up subscription as the client hands it out: a Node readable in object mode. */
export interface CatchUpSource {
  on(event: 'data', listener: (event: AllStreamResolvedEvent) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
  unsubscribe(): Promise<void>;
}
