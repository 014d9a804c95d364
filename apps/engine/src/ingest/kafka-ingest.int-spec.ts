import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { type IngestTopics, kafkaMessaging, type Messaging, type MessageProducer } from '@lifecycle/messaging';
import { describeWithKafka, kafkaBrokers, testKafka, uniqueKafkaName } from '@lifecycle/testing';
import { validateEngineConfig } from '../config/engine-config';
import { createEngine, type Engine } from '../engine';
import { ingestWorkload, storedFacts } from './testing/ingest-workload';
import {
  caughtUp, createIngestTopics, deadLetterSummary, deleteIngestTopics, expectedDeadLetters, produceWorkload,
} from './testing/kafka-test-topics';

// jest's default 60 s is too short for these on a loaded 2-core machine (80-95 s seen beside
// other suites): the bound only stops a hang, it times nothing.
const SLOW_MACHINE_TIMEOUT_MS = 300_000;

const sorted = (xs: readonly string[]) => [...xs].sort();

// The engine (embedded store, in memory) consuming from the real broker.
describeWithKafka('Kafka ingest: 10,000 messages with 5% redeliveries and 1% garbage', () => {
  let admin: Admin;
  let topics: IngestTopics;
  let messaging: Messaging;
  let producer: MessageProducer;
  let engine: Engine;
  const groupId = uniqueKafkaName('ingest-group');
  const workload = ingestWorkload({ total: 10_000, customers: 1_000, prefix: uniqueKafkaName('w') });

  beforeAll(async () => {
    admin = testKafka('ingest-10k-admin').admin();
    await admin.connect();
    topics = await createIngestTopics(admin);
    messaging = kafkaMessaging({ brokers: kafkaBrokers(), clientId: 'ingest-10k-test', logLevel: 'error' });
    producer = await messaging.producer();
    const config = validateEngineConfig({
      inMemory: true,
      masterKey: randomBytes(32).toString('base64'),
      adminKey: `test-admin-${randomBytes(12).toString('hex')}`,
      logLevel: 'silent',
      kafka: { brokers: kafkaBrokers(), clientId: 'ingest-10k-engine', ingestGroup: groupId, topics },
    });
    engine = await createEngine(config);
    await engine.app.init();
  });

  afterAll(async () => {
    await engine?.app.close();
    await producer?.close();
    if (admin) {
      await deleteIngestTopics(admin, topics);
      await admin.disconnect();
    }
  });

  it('stores every valid message exactly once and dead-letters every bad one with its reason', async () => {
    const [phase1, phase2] = workload.phases;
    expect(phase1.length + phase2.length).toBe(10_000);
    await produceWorkload(producer, topics, phase1);
    await caughtUp(admin, groupId, topics);
    // Refunds and interactions only once their orders and customers are stored: Kafka keeps a
    // customer's order within a topic, not across topics.
    await produceWorkload(producer, topics, phase2);
    await caughtUp(admin, groupId, topics);

    const facts = await storedFacts(engine.storage.eventStore);
    expect(facts).toHaveLength(workload.facts.length);
    expect(sorted(facts)).toEqual(sorted(workload.facts));

    const letters = await deadLetterSummary(messaging, topics);
    expect(letters).toHaveLength(100);
    expect(sorted(letters)).toEqual(sorted(expectedDeadLetters(workload.refused)));
  }, SLOW_MACHINE_TIMEOUT_MS);

  it('gives every dead letter its reason and where it came from', async () => {
    const [letter] = await messaging.readTopic(topics.deadLetters);
    expect(Object.values(topics)).toContain(letter!.headers['x-original-topic']);
    expect(Number(letter!.headers['x-original-partition'])).toBeGreaterThanOrEqual(0);
    expect(BigInt(letter!.headers['x-original-offset']!)).toBeGreaterThanOrEqual(0n);
    expect(letter!.headers['x-dlq-reason']).toEqual(expect.any(String));
    expect(letter!.headers['x-dlq-reason']!.length).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(letter!.headers['x-dlq-at']!))).toBe(false);
  });
});
