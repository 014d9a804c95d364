import { randomUUID } from 'node:crypto';
import {
  type AnyIntegrationMessage, DEFAULT_LIFECYCLE_THRESHOLDS, type IntegrationSource, deriveOutboxBatch, isHistoryMessage, type LifecycleThresholds,
  outboxBatchClock, outboxCustomerIdOf, type SourceEvent,
} from '@lifecycle/domain';
import { comparePositions, type EventStore, type LogPosition, type RecordedEvent } from '@lifecycle/event-store';
import type { IntegrationTransport } from '@lifecycle/messaging/integration-events';
import type { DataSource } from 'typeorm';
import {
  advancePublisher, loadCustomers, type PublisherCounts, type PublisherRow, readPublisher, releaseLease, saveCustomers, takeLease,
} from './integration-outbox.sql';
import { INTEGRATION_SOURCES } from './integration-sources';

export interface IntegrationPublisherOptions {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly transport: IntegrationTransport;
  /** A message whose fact is older than this when its source event was written is held back (see isHistoryMessage). */
  readonly maxAgeMs: number;
  readonly thresholds?: LifecycleThresholds;
  /** Further producers of messages (default INTEGRATION_SOURCES). */
  readonly sources?: readonly IntegrationSource[];
  readonly batchSize?: number;
  /** How long the live loop sleeps at the head of the log, or while another process holds the lease. */
  readonly pollIntervalMs?: number;
  readonly leaseMs?: number;
  /** This process in the lease column (default: a random id). */
  readonly owner?: string;
  /** One checkpoint per name (default `default`). */
  readonly name?: string;
  /** Called after the transport accepted a batch and before the checkpoint moves (the crash tests stop here). */
  readonly afterPublish?: (messages: readonly AnyIntegrationMessage[]) => Promise<void>;
  readonly onError?: (error: unknown) => void;
}

export interface BatchOutcome {
  readonly events: number;
  readonly published: number;
  readonly heldBack: number;
  readonly checkpoint: LogPosition;
}

export interface PublisherStatus {
  readonly name: string;
  readonly running: boolean;
  readonly ownsLease: boolean;
  readonly checkpoint: { readonly tx: string; readonly pos: string } | null;
  readonly clock: string | null;
  readonly eventsRead: string;
  readonly published: string;
  readonly heldBack: string;
  readonly heldBackByType: Readonly<Record<string, number>>;
  readonly leaseOwner: string | null;
  readonly leaseUntil: string | null;
  readonly lastError: string | null;
}

const toSource = (e: RecordedEvent): SourceEvent => ({
  id: e.id, type: e.type, data: e.data, streamId: e.streamId, position: e.position, recordedAt: e.recordedAt.toISOString(),
});

/**
 * The outbox read from the log: reads the global log after its checkpoint, derives the integration
 * messages (pure, @lifecycle/domain), hands them to the transport, and only then commits the
 * checkpoint together with the per-customer state. A crash between the two re-derives the same
 * batch from the same state: the same messages with the same keys go again, and none is lost.
 * It is not a projection: a projection rebuild never moves its checkpoint, so never publishes.
 */
export class IntegrationPublisher {
  readonly name: string;
  readonly owner: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly thresholds: LifecycleThresholds;
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private ownsLease = false;
  /** The checkpoint as this process last committed or leased it, and when the lease was last written. */
  private held: { row: PublisherRow; renewedAt: number } | undefined;
  private lastError: string | null = null;

  constructor(private readonly options: IntegrationPublisherOptions) {
    this.name = options.name ?? 'default';
    this.owner = options.owner ?? randomUUID();
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.thresholds = options.thresholds ?? DEFAULT_LIFECYCLE_THRESHOLDS;
  }

  /**
   * One batch: null when another process holds the lease; `events: 0` at the head of the log.
   * Not to be called while the background loop runs.
   */
  async publishNext(): Promise<BatchOutcome | null> {
    const { dataSource: ds, eventStore, transport } = this.options;
    // An idle poll reads the log only: the lease row is written again when half the lease has passed
    // (each checkpoint renews it too). A checkpoint moved meanwhile by another process still fails the CAS below.
    const fresh = this.held !== undefined && Date.now() - this.held.renewedAt < this.leaseMs / 2;
    const row = fresh ? this.held!.row : await takeLease(ds, this.name, this.owner, this.leaseMs);
    this.ownsLease = row !== null;
    this.held = row ? { row, renewedAt: fresh ? this.held!.renewedAt : Date.now() } : undefined;
    if (!row) return null;
    const recorded = await eventStore.readAll({ after: row.position, maxCount: this.batchSize });
    if (recorded.length === 0) return { events: 0, published: 0, heldBack: 0, checkpoint: row.position };
    const events = recorded.map(toSource);
    const ids = [...new Set(events.map(outboxCustomerIdOf).filter((id): id is string => id !== undefined))];
    const customers = await loadCustomers(ds, ids, outboxBatchClock(row.clock, events));
    const step = deriveOutboxBatch({ clock: row.clock, customers }, events, this.thresholds, this.options.sources ?? INTEGRATION_SOURCES);

    const byId = new Map(events.map((e) => [e.id, e]));
    const news: AnyIntegrationMessage[] = [];
    const heldBackByType: Record<string, number> = {};
    for (const message of step.messages) {
      if (isHistoryMessage(message, byId.get(message.source.eventId)!, this.options.maxAgeMs)) heldBackByType[message.type] = (heldBackByType[message.type] ?? 0) + 1;
      else news.push(message);
    }
    await transport.publish(news);
    await this.options.afterPublish?.(news);

    const to = recorded[recorded.length - 1]!.position;
    this.held = undefined;
    // Only the transaction's manager inside: on PGlite anything else would wait for this very lease.
    await ds.transaction(async (manager) => {
      await advancePublisher(manager, this.name, this.owner, this.leaseMs, {
        from: row.position, to, clock: step.clock, events: events.length, published: news.length, heldBackByType,
      });
      await saveCustomers(manager, step.changed.values(), this.thresholds);
    });
    this.held = { row: { position: to, clock: step.clock }, renewedAt: Date.now() };
    return { events: events.length, published: news.length, heldBack: step.messages.length - news.length, checkpoint: to };
  }

  /** Publishes until the head of the log as it is now (tests, the CLI); false if another process holds the lease. */
  async publishToHead(): Promise<boolean> {
    // The committed head: the gap-safe read can hide the latest commits while another transaction
    // on the server is open, and an empty batch then means "not yet", not "done".
    const head = await this.options.eventStore.committedHeadPosition();
    for (;;) {
      const outcome = await this.publishNext();
      if (outcome === null) return false;
      if (comparePositions(outcome.checkpoint, head) >= 0) return true;
      if (outcome.events === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The live loop: batches while there are events, a poll interval's sleep at the head or without the lease. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        let idle = true;
        try {
          const outcome = await this.publishNext();
          idle = outcome === null || outcome.events === 0;
          this.lastError = null;
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.options.onError?.(error);
        }
        if (idle && !this.stopping) await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollIntervalMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        // One macrotask per batch: PGlite answers through promise jobs only (see the projection runner).
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();
  }

  /**
   * Resolves once the checkpoint has reached the head of the log as it is now (read-your-writes for
   * tests and tools while the live loop runs); rejects after `timeoutMs`.
   */
  async caughtUp(timeoutMs = 60_000): Promise<void> {
    const head = await this.options.eventStore.committedHeadPosition();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await readPublisher(this.options.dataSource, this.name);
      if (row && comparePositions(row.position, head) >= 0) return;
      if (Date.now() > deadline) throw new Error(`integration publisher ${this.name}: not caught up with the log within ${timeoutMs} ms`);
      this.wake?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** After the batch in flight; lets the lease go so that a successor starts at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    if (this.ownsLease) await releaseLease(this.options.dataSource, this.name, this.owner).catch(() => undefined);
    this.ownsLease = false;
    this.held = undefined;
  }

  async status(): Promise<PublisherStatus> {
    return { ...(await IntegrationPublisher.statusOf(this.options.dataSource, this.name)), running: this.loop !== undefined, ownsLease: this.ownsLease, lastError: this.lastError };
  }

  /** What the table says, for any process (running and ownsLease false: not known here). */
  static async statusOf(sql: DataSource, name = 'default'): Promise<PublisherStatus> {
    const row: PublisherCounts | null = await readPublisher(sql, name);
    return {
      name,
      running: false,
      ownsLease: false,
      checkpoint: row ? { tx: row.position.tx.toString(), pos: row.position.pos.toString() } : null,
      clock: row?.clock ?? null,
      eventsRead: (row?.eventsRead ?? 0n).toString(),
      published: (row?.published ?? 0n).toString(),
      heldBack: (row?.heldBack ?? 0n).toString(),
      heldBackByType: row?.heldBackByType ?? {},
      leaseOwner: row?.leaseOwner ?? null,
      leaseUntil: row?.leaseUntil ?? null,
      lastError: null,
    };
  }
}
