import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { rawInsertSql, readLogPages, type RecordedEvent } from '@lifecycle/event-store';
import { type ProjectionDefinition, ProjectionRunner } from '@lifecycle/read-store';
import { customerSummaryProjection } from '@lifecycle/projections';
import {
  createTopicsAndWait, DEFAULT_INGEST_TOPICS, type InboundMessage, type IngestTopics, kafkaMessaging, type Messaging,
} from '@lifecycle/messaging';
import { validateEngineConfig } from '@lifecycle/engine/config/engine-config';
import { CustomerStream } from '@lifecycle/engine/customers/customer-stream';
import { createEngine } from '@lifecycle/engine/engine';
import { IngestBatchProcessor } from '@lifecycle/engine/ingest/ingest-batch-processor';
import { decodeIngestMessage, topicKinds } from '@lifecycle/engine/ingest/ingest-messages';
import { KafkaIngest } from '@lifecycle/engine/ingest/kafka-ingest';
import { ingestConcurrency } from '@lifecycle/engine/ingest/kafka-config';
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
  /** How long the steady 1,000 messages/s run of the latency lines lasts (default 20 s; 5 s for a quick run's sizes). */
  readonly latencySeconds?: number;
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
    await createTopicsAndWait(admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }]);
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
    lines.push({ name: 'kafkajs consume + decode and validate (JSON Schema), no store', value: decoded, unit: 'messages/s', baseline: 'kafkajs consume, eachBatch doing nothing' });
    for (const open of backends) {
      const backend = await open();
      try {
        const { rate, ceiling, events } = await ingestRate(messaging, backend, topic, sizes.messages);
        lines.push({
          name: `raw SQL INSERT of the events the ingest stored, as messages/s (${backend.name})`, value: ceiling, unit: 'messages/s',
          baseline: 'kafkajs consume, eachBatch doing nothing',
          note: `${events.toLocaleString('en-US')} events for ${sizes.messages.toLocaleString('en-US')} messages, 1,000 rows per INSERT: no ingest into this store can go faster`,
        });
        lines.push({
          name: `ingest into the event store (${backend.name})`, value: rate, unit: 'messages/s',
          baseline: 'kafkajs consume, eachBatch doing nothing', target: '>= 50%',
          note: `${sizes.customers.toLocaleString('en-US')} customers; ${Math.round((100 * rate) / ceiling)}% of the raw INSERT line above`,
        });
      } finally {
        await backend.close();
      }
    }
    // A fresh database each: the projection starts at an empty log, as a live deployment runs.
    for (const open of backends) {
      const backend = await open();
      try {
        const latency = await produceToSummaryLatency(messaging, admin, backend, `bench-latency-${run}-${backend.name}`, sizes);
        const note = `${latency.messages.toLocaleString('en-US')} messages at ${Math.round(latency.rate).toLocaleString('en-US')}/s, ${sizes.customers.toLocaleString('en-US')} customers`;
        lines.push({ name: `produce -> customer summary updated, p50 (${backend.name})`, value: latency.p50, unit: 'ms', note });
        lines.push({ name: `produce -> customer summary updated, p99 (${backend.name})`, value: latency.p99, unit: 'ms', target: '< 1,000 ms', note: `max ${Math.round(latency.max).toLocaleString('en-US')} ms` });
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

/**
 * An engine with ROLE=api (it starts no consumer of its own) on a fresh store of `backend`, and the
 * ingest's batch processor over it: each measure builds its consumer by hand around that, to time it.
 * `topic` carries the purchases; the other kinds get topics named after it.
 */
async function benchEngine(backend: Backend, topic: string) {
  const others = ['refunds', 'interactions', 'registrations', 'redemptions', 'deadLetters'] as const;
  const topics: IngestTopics = { ...Object.fromEntries(others.map((k) => [k, `${topic}.${k}`])) as Omit<IngestTopics, 'purchases'>, purchases: topic };
  const config = validateEngineConfig({
    role: 'api', adminKey: `bench-admin-${randomBytes(8).toString('hex')}`, logLevel: 'silent',
    kafka: { brokers: kafkaBenchBrokers(), topics },
  });
  const engine = await createEngine(config, { storage: await backend.engineStorage(randomBytes(32)) });
  await engine.app.init();
  const clock = new SystemClock();
  const processor = new IngestBatchProcessor(engine.app.get(CustomerStream), engine.storage, clock, config, engine.app.get(LOYALTY_RULES));
  return { topics, config, engine, clock, processor };
}

/**
 * The ingest's rate, and beside it the ceiling any ingest into this store has: the events it stored,
 * inserted again by plain SQL (fresh stream ids, 1,000 rows per statement, the adapter's table and
 * statement shape), timed and expressed per message.
 */
async function ingestRate(base: Messaging, backend: Backend, topic: string, total: number): Promise<{ rate: number; ceiling: number; events: number }> {
  const { topics, config, engine, clock, processor } = await benchEngine(backend, topic);
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
  const ingest = new KafkaIngest(counting, processor, clock, {
    groupId: `bench-ingest-${randomBytes(4).toString('hex')}`, topics, partitionsConsumedConcurrently: ingestConcurrency(config.kafka, engine.storage.kind),
  });
  await ingest.onApplicationBootstrap();
  const ms = await finished;
  await ingest.beforeApplicationShutdown();
  // A rate is only worth something if the work was done: every message is one PurchaseRecorded.
  const run = topic.split('-')[2]!.split('.')[0]!;
  const stored: RecordedEvent[] = [];
  for await (const page of readLogPages(engine.storage.eventStore)) stored.push(...page.filter((e) => e.streamId.includes(`b-${run}-`)));
  await engine.app.close();
  const recorded = stored.filter((e) => e.type === 'PurchaseRecorded' && String((e.data as { orderId: string }).orderId).startsWith(`o-${run}`)).length;
  if (recorded !== total) throw new Error(`ingest bench: ${recorded} purchases stored, ${total} sent`);

  const started = performance.now();
  for (let from = 0; from < stored.length; from += 1_000) {
    const rows = stored.slice(from, from + 1_000);
    await backend.raw(rawInsertSql, [
      rows.map((e) => `raw-${e.streamId}`), rows.map((e) => e.revision.toString()), rows.map(() => randomUUID()), rows.map((e) => e.type),
      rows.map((e) => JSON.stringify(e.data)), rows.map((e) => JSON.stringify(e.metadata)),
    ]);
  }
  const ceiling = (total / (performance.now() - started)) * 1000;
  return { rate: (total / ms) * 1000, ceiling, events: stored.length };
}

const RATE_PER_SECOND = 1_000;
const TICK_MS = 10;

/**
 * End-to-end latency at a steady rate, pieces composed as ROLE=all runs them: purchases produced
 * at 1,000/s (10 every 10 ms, keyed by customer), the ingest consumer storing them, and the
 * projection runner folding them into customer_summary. Per message: from just before its send to
 * the commit of the read-store transaction that wrote its customer's row (the runner's
 * transaction is watched through the data source it is given; the checkpoint moves in the same
 * commit). Messages still in flight when the run ends count as not done, and fail the bench.
 */
async function produceToSummaryLatency(
  base: Messaging, admin: ReturnType<Kafka['admin']>, backend: Backend, topic: string, sizes: IngestBenchSizes,
): Promise<{ p50: number; p99: number; max: number; messages: number; rate: number }> {
  const seconds = sizes.latencySeconds ?? (sizes.messages < 10_000 ? 5 : 20);
  const total = seconds * RATE_PER_SECOND;
  await createTopicsAndWait(admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }]);
  const { topics, config, engine, clock, processor } = await benchEngine(backend, topic);

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let applied: string[] = [];
  const summary: ProjectionDefinition = {
    ...customerSummaryProjection,
    applyBatch: async (events, context) => {
      await customerSummaryProjection.applyBatch(events, context);
      for (const e of events) if (e.type === 'PurchaseRecorded') applied.push(String((e.data as { orderId: string }).orderId));
    },
  };
  const runner = new ProjectionRunner({
    dataSource: watchCommits(engine.storage.readStore, (committed) => {
      const now = performance.now();
      if (committed) for (const orderId of applied) {
        const sent = sentAt.get(orderId);
        if (sent !== undefined) latencies.push(now - sent);
        sentAt.delete(orderId);
      }
      applied = [];
    }),
    eventStore: engine.storage.eventStore,
    projections: [summary],
    eventsBehind: null,
  });
  await runner.start();
  let joined!: () => void;
  const assigned = new Promise<void>((resolve) => (joined = resolve));
  const ingest = new KafkaIngest(
    { ...base, batchConsumer: (options) => base.batchConsumer({ ...options, onAssignment: (a) => { options.onAssignment?.(a); joined(); } }) },
    processor, clock, { groupId: `bench-latency-${randomBytes(4).toString('hex')}`, topics, partitionsConsumedConcurrently: ingestConcurrency(config.kafka, engine.storage.kind) },
  );
  await ingest.onApplicationBootstrap();
  await assigned;

  const producer = await base.producer();
  const run = topic.split('-').slice(2).join('-');
  const started = performance.now();
  for (let i = 0; i < total; ) {
    const due = started + (i / RATE_PER_SECOND) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Everything that is due by now goes in one send: a late tick catches up instead of drifting.
    const upTo = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE_PER_SECOND) + TICK_MS);
    const at = performance.now();
    const messages = [];
    for (; i < upTo; i++) {
      const customerId = `l-${run}-${i % sizes.customers}`;
      const orderId = `lo-${run}-${i}`;
      sentAt.set(orderId, at);
      messages.push({ topic, key: customerId, value: JSON.stringify({ customerId, orderId, amount: 1_000 + (i % 5_000), currency: 'EUR', occurredAt: '2024-03-01T10:00:00Z' }) });
    }
    await producer.send(messages);
  }
  const rate = (total / (performance.now() - started)) * 1000;
  // The last messages get as long as the slowest may take, and a margin.
  const deadline = performance.now() + 30_000;
  while (sentAt.size > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const missing = sentAt.size;
  await producer.close();
  await ingest.beforeApplicationShutdown();
  await runner.stop();
  await engine.app.close();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  if (missing > 0) throw new Error(`latency bench: ${missing} of ${total} messages never reached the customer summary`);
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]!, messages: total, rate };
}

/** The data source the runner gets: its transactions are watched, everything else passes through. */
function watchCommits(dataSource: DataSource, settled: (committed: boolean) => void): DataSource {
  return new Proxy(dataSource, {
    get(target, property) {
      if (property === 'transaction') {
        return async (...args: unknown[]) => {
          try {
            const result = await (target.transaction as (...a: unknown[]) => Promise<unknown>)(...args);
            settled(true);
            return result;
          } catch (error) {
            settled(false);
            throw error;
          }
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
