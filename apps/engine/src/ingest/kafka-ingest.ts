import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  type BatchConsumer, deadLetterOf, INGEST_KINDS, type IngestTopics, type MessageBatch, type MessageProducer, type Messaging,
} from '@lifecycle/messaging';
import { Clock } from '../storage/clock';
import { IngestBatchProcessor } from './ingest-batch-processor';

export interface KafkaIngestOptions {
  readonly groupId: string;
  readonly topics: IngestTopics;
  /** A partition's batch is decided and committed in slices of at most this many messages. */
  readonly maxBatchMessages?: number;
  readonly sessionTimeoutMs?: number;
  /** Partitions decided at the same time: one partition's append to the store overlaps another's decoding and deciding. */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * The ingest consumer: each partition batch goes through the IngestBatchProcessor, its refused
 * messages to the dead-letter topic, and only then are the batch's offsets committed. A crash
 * anywhere before the commit redelivers the batch, which the processor recognises message by
 * message (by upstream id), so nothing is lost and nothing doubled.
 */
@Injectable()
export class KafkaIngest implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KafkaIngest');
  private consumer?: BatchConsumer;
  private producer?: MessageProducer;
  /** Per partition number, the batch in hand: see `handle`. */
  private readonly turns = new Map<number, Promise<unknown>>();

  constructor(
    private readonly messaging: Messaging,
    private readonly processor: IngestBatchProcessor,
    private readonly clock: Clock,
    private readonly options: KafkaIngestOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { groupId, topics } = this.options;
    const partitions = await this.messaging.ensureTopics([...INGEST_KINDS.map((kind) => topics[kind]), topics.deadLetters]);
    const counts = new Set(INGEST_KINDS.map((kind) => partitions[topics[kind]]));
    if (counts.size > 1) {
      // Still correct (optimistic concurrency), but two members may then work on one customer at once.
      this.logger.warn({ msg: 'ingest topics have different partition counts: a customer is no longer handled by one member at a time', partitions });
    }
    this.producer = await this.messaging.producer();
    this.consumer = this.messaging.batchConsumer({
      groupId,
      topics: INGEST_KINDS.map((kind) => topics[kind]),
      maxBatchMessages: this.options.maxBatchMessages,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      handle: (batch) => this.handle(batch),
      onAssignment: (assignment) => {
        // Customers of partitions this member had before may have moved on elsewhere.
        this.processor.forgetCachedCustomers();
        this.logger.log({ msg: 'ingest partitions assigned', groupId, assignment });
      },
    });
    await this.consumer.start();
    this.logger.log({ msg: 'ingest consuming', groupId, topics: INGEST_KINDS.map((kind) => topics[kind]), deadLetters: topics.deadLetters });
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Before storage closes (onApplicationShutdown): the batch in hand finishes and is committed.
    await this.consumer?.stop();
    await this.producer?.close();
  }

  /**
   * Batches of the same partition number wait for each other, whatever their topic: with the
   * co-partitioned assignment a customer's purchases, refunds and interactions all sit in the same
   * partition number, so two of them in flight at once would race for the same streams (correct,
   * by the expected revision, but each lost race re-reads and redoes a whole batch). Different
   * partition numbers hold different customers and go on side by side.
   */
  private handle(batch: MessageBatch): Promise<void> {
    const previous = this.turns.get(batch.partition) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => this.ingest(batch));
    this.turns.set(batch.partition, turn);
    void turn.finally(() => {
      if (this.turns.get(batch.partition) === turn) this.turns.delete(batch.partition);
    }).catch(() => undefined);
    return turn;
  }

  private async ingest(batch: MessageBatch): Promise<void> {
    const outcome = await this.processor.process(batch.messages);
    if (outcome.refused.length > 0) {
      const at = this.clock.now();
      await this.producer!.send(outcome.refused.map((r) => deadLetterOf(r.message, r, this.options.topics.deadLetters, at)));
      this.logger.warn({ msg: 'messages dead-lettered', topic: batch.topic, partition: batch.partition, codes: countBy(outcome.refused.map((r) => r.code)) });
    }
    this.logger.debug({
      msg: 'batch ingested', topic: batch.topic, partition: batch.partition, messages: batch.messages.length,
      recorded: outcome.recorded, repeated: outcome.repeated, refused: outcome.refused.length, appendCalls: outcome.appendCalls,
    });
  }
}

const countBy = (codes: readonly string[]) => codes.reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {});
