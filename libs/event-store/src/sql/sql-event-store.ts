import { validateAppends } from '../append-validation';
import {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  LogPosition,
  LogWindow,
  ReadAllOptions,
  ReadStreamOptions,
  ReadWindowOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { AppendSignal, startPollingSubscription } from '../polling-subscription';
import { appendToStreams } from './append-to-streams.sql';
import { migrateEventStore } from './event-store.migrations';
import { COMMITTED_HEAD_SQL, headPosition, readAll, readWindow } from './read-all.sql';
import { readStream } from './read-stream.sql';
import { SqlClient } from './sql-client';

export interface SqlEventStoreOptions {
  /** How often an idle subscription looks for events written by other processes. Default 100 ms. */
  readonly pollIntervalMs?: number;
  /** Run the migrations before returning the store. Default true. */
  readonly migrate?: boolean;
}

/** The one SQL implementation, for PGlite and Postgres alike; the adapters only bring a SqlClient. */
export async function openSqlEventStore(
  client: SqlClient,
  options: SqlEventStoreOptions = {},
  onClose: () => Promise<void> = async () => undefined,
): Promise<EventStore> {
  if (options.migrate ?? true) await migrateEventStore(client);
  return new SqlEventStore(client, options.pollIntervalMs, onClose);
}

class SqlEventStore implements EventStore {
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<Subscription>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly client: SqlClient,
    private readonly pollIntervalMs: number | undefined,
    private readonly onClose: () => Promise<void>,
  ) {}

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedRevision: options.expectedRevision }]);
    return result!;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const results = await appendToStreams(this.client, validateAppends(appends));
    if (results.some((result) => result.written > 0)) this.signal.notify();
    return results;
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return readStream(this.client, streamId, options.fromRevision, options.maxCount);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return readAll(this.client, options);
  }

  /** For subscriptions with `eventTypes` (see GlobalLogReader). */
  readWindow(options: ReadWindowOptions): Promise<LogWindow> {
    return readWindow(this.client, options);
  }

  headPosition(): Promise<LogPosition> {
    return headPosition(this.client);
  }

  committedHeadPosition(): Promise<LogPosition> {
    return headPosition(this.client, COMMITTED_HEAD_SQL);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = startPollingSubscription(this, this.signal, options, {
      pollIntervalMs: this.pollIntervalMs,
      onEnded: (ended) => this.subscriptions.delete(ended),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      await this.onClose();
    })();
    return this.closing;
  }
}
