import { randomBytes } from 'node:crypto';
import {
  type Admin, type EachBatchPayload, type IHeaders, Kafka, type KafkaMessage, type LogEntry, logLevel, Partitioners,
  type Producer,
} from 'kafkajs';
import type {
  BatchConsumer, BatchConsumerOptions, InboundMessage, Messaging, MessageProducer, OutboundMessage,
} from '../messages';
import { CoPartitionedAssigner } from './co-partitioned-assigner';
import { createTopicsAndWait } from './create-topics';

export type MessagingLogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface KafkaMessagingOptions {
  /** `host:port` of one or more brokers; the client discovers the rest of the cluster. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Where kafkajs's own log lines go (default: warnings and errors to stderr). */
  readonly log?: (level: MessagingLogLevel, message: string, fields: Readonly<Record<string, unknown>>) => void;
  /** The least severe kafkajs line passed to `log` (default 'warn'). */
  readonly logLevel?: MessagingLogLevel;
}

const LEVELS: Record<MessagingLogLevel, logLevel> = { error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };
const NAMES: Partial<Record<logLevel, MessagingLogLevel>> = {
  [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug',
};

const stderrLog = (level: MessagingLogLevel, message: string, fields: Readonly<Record<string, unknown>>) =>
  process.stderr.write(`${JSON.stringify({ level, source: 'kafka', msg: message, ...fields })}\n`);

/** The Messaging port on a Kafka cluster, through kafkajs. */
export function kafkaMessaging(options: KafkaMessagingOptions): Messaging {
  const log = options.log ?? stderrLog;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator: () => ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...fields } = entry;
      log(NAMES[level] ?? 'info', message, { namespace, ...fields });
    },
  });
  return {
    batchConsumer: (consumerOptions) => new KafkaBatchConsumer(kafka, consumerOptions),
    producer: async () => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      return new KafkaMessageProducer(producer);
    },
    readTopic: (topic) => readTopic(kafka, options.clientId, topic),
    ensureTopics: (topics) => ensureTopics(kafka, topics),
  };
}

/**
 * eachBatch with offsets resolved and committed by hand: a slice of a partition's batch is
 * committed only after `handle` resolved for it, so a crash at any point redelivers what was not
 * acknowledged (and the handler's idempotency makes the redelivery harmless).
 */
class KafkaBatchConsumer implements BatchConsumer {
  private readonly consumer;
  private readonly maxBatchMessages: number;

  constructor(kafka: Kafka, private readonly options: BatchConsumerOptions) {
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [CoPartitionedAssigner],
      sessionTimeout,
      heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
    });
    this.maxBatchMessages = options.maxBatchMessages ?? 1_000;
    const { onAssignment } = options;
    if (onAssignment) this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => onAssignment(e.payload.memberAssignment));
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    // A new group starts at the beginning: nothing published before the first start is skipped.
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async eachBatch({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    for (let from = 0; from < batch.messages.length; from += this.maxBatchMessages) {
      // Stopping, or the partition was moved or sought: what is left is delivered again.
      if (!isRunning() || isStale()) return;
      const slice = batch.messages.slice(from, from + this.maxBatchMessages);
      await this.options.handle({ topic, partition, messages: slice.map((m) => inbound(topic, partition, m)) });
      const last = slice[slice.length - 1]!.offset;
      resolveOffset(last);
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (BigInt(last) + 1n).toString() }] }] });
      await heartbeat();
    }
  }
}

class KafkaMessageProducer implements MessageProducer {
  constructor(private readonly producer: Producer) {}

  async send(messages: readonly OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, ms]) => ({
        topic,
        messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers ? { ...m.headers } : undefined })),
      })),
    });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

const headerText = (value: IHeaders[string]): string | undefined => {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
};

function inbound(topic: string, partition: number, m: KafkaMessage): InboundMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return { topic, partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null, headers, timestamp: m.timestamp };
}

// kafkajs refuses to subscribe to a topic the broker does not have yet, even with auto-creation on.
async function ensureTopics(kafka: Kafka, topics: readonly string[]): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // -1: the broker's num.partitions and default.replication.factor.
    return await createTopicsAndWait(admin, [...new Set(topics)].map((topic) => ({ topic, numPartitions: -1, replicationFactor: -1 })));
  } finally {
    await admin.disconnect();
  }
}

/** A topic read from its start to its end as of now, with a throwaway group deleted afterwards. */
async function readTopic(kafka: Kafka, clientId: string, topic: string, idleTimeoutMs = 30_000): Promise<InboundMessage[]> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    const ends = new Map<number, bigint>();
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high) - 1n);
    }
    if (ends.size === 0) return [];
    const groupId = `${clientId}-read-${randomBytes(6).toString('hex')}`;
    const consumer = kafka.consumer({ groupId });
    const read: InboundMessage[] = [];
    let idle: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const arm = () => {
          clearTimeout(idle);
          idle = setTimeout(() => reject(new Error(`reading ${topic}: no message for ${idleTimeoutMs} ms before its end`)), idleTimeoutMs);
        };
        arm();
        const run = async () => {
          await consumer.connect();
          await consumer.subscribe({ topics: [topic], fromBeginning: true });
          await consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = ends.get(batch.partition);
              if (end === undefined) return;
              arm();
              for (const m of batch.messages) if (BigInt(m.offset) <= end) read.push(inbound(topic, batch.partition, m));
              if (BigInt(batch.lastOffset()) >= end) ends.delete(batch.partition);
              if (ends.size === 0) resolve();
            },
          });
        };
        run().catch(reject);
      });
    } finally {
      clearTimeout(idle);
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return read.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
  } finally {
    await admin.disconnect();
  }
}
