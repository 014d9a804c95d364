/**
 * What the engine sees of a message broker: batches in, messages out. kafkajs (in maintenance
 * mode) stays behind this, in ./kafka, so another client can replace it without touching the engine.
 */

/** A message as it was read: the value bytes untouched, header values as UTF-8 text. */
export interface InboundMessage {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string the broker sent. */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Producer or broker time, milliseconds since the epoch, as text. */
  readonly timestamp: string;
}

export interface OutboundMessage {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Messages of one partition, in offset order. */
export interface MessageBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly InboundMessage[];
}

export interface BatchConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * Called with each batch; the batch's offsets are committed only after the promise resolves.
   * A rejection commits nothing: the batch is delivered again (possibly to another member).
   */
  readonly handle: (batch: MessageBatch) => Promise<void>;
  /** A batch larger than this is handed over (and committed) in slices of this size. */
  readonly maxBatchMessages?: number;
  /** Partitions handled at the same time by this member (default 1). */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * How long the group waits for a silent member before its partitions go to the others (a process
   * killed without leaving). Default 30 s; the broker allows 6 s to 300 s unless configured otherwise.
   */
  readonly sessionTimeoutMs?: number;
  /** Called after each group join with the partitions this member now owns, by topic. */
  readonly onAssignment?: (assignment: Readonly<Record<string, readonly number[]>>) => void;
}

export interface BatchConsumer {
  /** Joins the group and starts handing batches over; resolves once running. */
  start(): Promise<void>;
  /** Finishes the batch in hand, leaves the group, disconnects. */
  stop(): Promise<void>;
}

export interface MessageProducer {
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(messages: readonly OutboundMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface Messaging {
  batchConsumer(options: BatchConsumerOptions): BatchConsumer;
  /**
   * Creates the topics that do not exist yet (with the broker's default partition count and
   * replication) and answers each topic's partition count.
   */
  ensureTopics(topics: readonly string[]): Promise<Record<string, number>>;
  /** A connected producer. */
  producer(): Promise<MessageProducer>;
  /**
   * Every message in the topic now, from its start, in (partition, offset) order. Reads with a
   * throwaway consumer group, so no group that others use moves.
   */
  readTopic(topic: string): Promise<InboundMessage[]>;
}
