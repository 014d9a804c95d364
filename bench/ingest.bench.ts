import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  DEFAULT_INGEST_TOPICS, type InboundMessage, type IngestTopics, kafkaMessaging, type Messaging,
} from '@lifecycle/messaging';
import { validateEngineConfig } from '@lifecycle/engine/config/engine-config';
import { CustomerStream } from '@lifecycle/engine/customers/customer-stream';
import { createEngine } from '@lifecycle/engine/engine';
import { IngestBatchProcessor } from '@lifecycle/engine/ingest/ingest-batch-processor';
import { decodeIngestMessage, topicKinds } from '@lifecycle/engine/ingest/ingest-messages';
import { KafkaIngest } from '@lifecycle/engine/ingest/kafka-ingest';
import { LOYALTY_RULES } from '@lifecycle/engine/rules/loyalty-rules.token';
import { SystemClock } from '@lifecycle/engine/storage/clock';
import type { BenchLine, BenchSection } from './bench-table';
import type { Backend } from './backends';

export const kafkaBenchBrokers = () => (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);

export async function kafkaReachable(): Promise<boolean> {
  const admin = new Kafka({ clientId: 'bench-probe', brokers: kafkaBenchBrokers(), connectionTimeout: 2_000, retry: { retries: 0 }, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface IngestBenchSizes {
  readonly messages: number;
  readonly customers: number;
}

const PARTITIONS = 3;

/**
 * The same N purchase messages (keyed by customer, 3 partitions) read twice from the local broker:
 * by a bare kafkajs eachBatch consumer that does nothing with them, and by the ingest (decode and
 * validate, fold and decide per customer, one appendToStreams per batch, commit) into each backend.
 * Both are timed from the moment the member joined its group (fetching starts then) to the last
 * message done, so the group join, the same for both, is left out.
 */
export async function ingestBench(backends: readonly (() => Promise<Backend>)[], sizes: IngestBenchSizes): Promise<BenchSection> {
  const run = randomBytes(3).toString('hex');
  const topic = `bench-ingest-${run}.purchases`;
  const kafka = new Kafka({ clientId: 'bench-ingest', brokers: kafkaBenchBrokers(), logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const lines: BenchLine[] = [];
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    const messaging = kafkaMessaging({ brokers: kafkaBenchBrokers(), clientId: 'bench-ingest', logLevel: 'error' });
    const producer = await messaging.producer();
    for (let from = 0; from < sizes.messages; from += 2_000) {
      await producer.send(Array.from({ length: Math.min(2_000, sizes.messages - from) }, (_, k) => {
        const i = from + k;
        const customerId = `b-${run}-${i % sizes.customers}`;
        const day = String(1 + (i % 28)).padStart(2, '0');
        return { topic, key: customerId, value: JSON.stringify({ customerId, orderId: `o-${run}-${i}`, amount: 1_000 + (i % 5_000), currency: 'EUR', occurredAt: `2024-02-${day}T10:00:00Z` }) };
      }));
    }
    await producer.close();

    // A bare consume of 20,000 small messages takes a fraction of a second: the median of three.
    const raws = [];
    for (let i = 0; i < 3; i++) raws.push(await consumeRate(kafka, topic, sizes.messages));
    const raw = raws.sort((a, b) => a - b)[1]!;
    lines.push({ name: 'kafkajs consume, eachBatch doing nothing', value: raw, unit: 'messages/s', note: `${sizes.messages.toLocaleString('en-US')} messages, ${PARTITIONS} partitions; median of 3` });
    const kinds = topicKinds({ ...DEFAULT_INGEST_TOPICS, purchases: topic });
    const decoded = await consumeRate(kafka, topic, sizes.messages, (m) => {
      const result = decodeIngestMessage(m, kinds);
      if (!result.ok) throw new Error(`bench message refused: ${result.reason}`);
    });
    lines.push({ name: 'kafkajs consume + decode and validate (DTOs), no store', value: decoded, unit: 'messages/s', baseline: 'kafkajs consume, eachBatch doing nothing' });
    for (const open of backends) {
      const backend = await open();
      try {
        const rate = await ingestRate(messaging, backend, topic, sizes.messages);
        lines.push({
          name: `ingest into the event store (${backend.name})`, value: rate, unit: 'messages/s',
          baseline: 'kafkajs consume, eachBatch doing nothing', target: '>= 50%', note: `${sizes.customers.toLocaleString('en-US')} customers`,
        });
      } finally {
        await backend.close();
      }
    }
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  return { title: 'Kafka ingest beside a bare kafkajs consumer (same messages, local broker)', lines };
}

async function consumeRate(kafka: Kafka, topic: string, total: number, work?: (m: InboundMessage) => void): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomBytes(4).toString('hex')}` });
  let first = 0;
  let seen = 0;
  let done!: (ms: number) => void;
  const finished = new Promise<number>((resolve) => (done = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => (first = performance.now()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (work) {
        for (const m of batch.messages) {
          work({ topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: {}, timestamp: m.timestamp });
        }
      }
      seen += batch.messages.length;
      if (seen >= total) done(performance.now() - first);
    },
  });
  const ms = await finished;
  await consumer.disconnect();
  return (total / ms) * 1000;
}

async function ingestRate(base: Messaging, backend: Backend, topic: string, total: number): Promise<number> {
  const others = ['refunds', 'interactions', 'registrations', 'redemptions', 'deadLetters'] as const;
  const topics: IngestTopics = { ...Object.fromEntries(others.map((k) => [k, `${topic}.${k}`])) as Omit<IngestTopics, 'purchases'>, purchases: topic };
  // ROLE=api: the engine starts no consumer of its own; the one below is built by hand to be timed.
  const config = validateEngineConfig({
    role: 'api', adminKey: `bench-admin-${randomBytes(8).toString('hex')}`, logLevel: 'silent',
    kafka: { brokers: kafkaBenchBrokers(), topics },
  });
  const engine = await createEngine(config, { storage: await backend.engineStorage(randomBytes(32)) });
  await engine.app.init();
  const clock = new SystemClock();
  const processor = new IngestBatchProcessor(engine.app.get(CustomerStream), engine.storage, clock, config, engine.app.get(LOYALTY_RULES));
  let first = 0;
  let seen = 0;
  let done!: (ms: number) => void;
  const finished = new Promise<number>((resolve) => (done = resolve));
  // The engine's own consumer, with a counter around its batch handler.
  const counting: Messaging = {
    ...base,
    batchConsumer: (options) => base.batchConsumer({
      ...options,
      onAssignment: (assignment) => {
        first = performance.now();
        options.onAssignment?.(assignment);
      },
      handle: async (batch) => {
        await options.handle(batch);
        seen += batch.messages.length;
        if (seen >= total) done(performance.now() - first);
      },
    }),
  };
  const ingest = new KafkaIngest(counting, processor, clock, { groupId: `bench-ingest-${randomBytes(4).toString('hex')}`, topics });
  await ingest.onApplicationBootstrap();
  const ms = await finished;
  await ingest.beforeApplicationShutdown();
  // A rate is only worth something if the work was done: every message is one PurchaseRecorded.
  let recorded = 0;
  for (let after = undefined as Parameters<typeof engine.storage.eventStore.readAll>[0]['after']; ;) {
    const page = await engine.storage.eventStore.readAll({ after, maxCount: 5_000 });
    if (page.length === 0) break;
    recorded += page.filter((e) => e.type === 'PurchaseRecorded' && String((e.data as { orderId: string }).orderId).startsWith(`o-${topic.split('-')[2]!.split('.')[0]}`)).length;
    after = page[page.length - 1]!.position;
  }
  await engine.app.close();
  if (recorded !== total) throw new Error(`ingest bench: ${recorded} purchases stored, ${total} sent`);
  return (total / ms) * 1000;
}
