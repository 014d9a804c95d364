import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { toCustomerStreamId } from '@lifecycle/domain';
import { type IngestTopics, kafkaMessaging, type MessageProducer } from '@lifecycle/messaging';
import { describeWithKafka, kafkaBrokers, testKafka, uniqueKafkaName } from '@lifecycle/testing';
import { validateEngineConfig } from '@lifecycle/engine/config/engine-config';
import { createEngine, type Engine } from '@lifecycle/engine/engine';
import { caughtUp, createIngestTopics, deleteIngestTopics } from '@lifecycle/engine/ingest/testing/kafka-test-topics';
import { buildCli } from '../main';

// `lifecycle dlq list|replay` against the dead letters of a real ingest on the real broker.
describeWithKafka('lifecycle dlq', () => {
  let admin: Admin;
  let topics: IngestTopics;
  let producer: MessageProducer;
  let engine: Engine;
  const groupId = uniqueKafkaName('dlq-cli-group');
  const saved = { ...process.env };
  const customer = uniqueKafkaName('c');

  const cli = async (...args: string[]): Promise<string> => {
    let out = '';
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildCli().exitOverride().parseAsync(['node', 'lifecycle', 'dlq', ...args]);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    return out;
  };
  const list = async (...args: string[]) => JSON.parse(await cli('list', '--format', 'json', ...args)) as { code: string; original: string; value: string; key: string }[];
  const send = async (topic: string, value: string) => {
    await producer.send([{ topic, key: customer, value }]);
    await caughtUp(admin, groupId, topics);
  };
  const highWatermark = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  const refunds = async () => (await engine.storage.eventStore.readStream(toCustomerStreamId(customer))).filter((e) => e.type === 'PurchaseRefunded');
  const purchase = (orderId: string) => JSON.stringify({ customerId: customer, orderId, amount: 2000, currency: 'EUR', occurredAt: '2024-03-01T10:00:00Z' });

  beforeAll(async () => {
    admin = testKafka('dlq-cli-admin').admin();
    await admin.connect();
    topics = await createIngestTopics(admin);
    producer = await kafkaMessaging({ brokers: kafkaBrokers(), clientId: 'dlq-cli-test', logLevel: 'error' }).producer();
    engine = await createEngine(validateEngineConfig({
      inMemory: true, masterKey: randomBytes(32).toString('base64'), adminKey: `test-admin-${randomBytes(12).toString('hex')}`,
      logLevel: 'silent', kafka: { brokers: kafkaBrokers(), ingestGroup: groupId, topics },
    }));
    await engine.app.init();
    Object.assign(process.env, {
      KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC_PURCHASES: topics.purchases, KAFKA_TOPIC_REFUNDS: topics.refunds,
      KAFKA_TOPIC_INTERACTIONS: topics.interactions, KAFKA_TOPIC_REGISTRATIONS: topics.registrations,
      KAFKA_TOPIC_REDEMPTIONS: topics.redemptions, KAFKA_TOPIC_DLQ: topics.deadLetters,
    });
    await send(topics.purchases, purchase('o-1'));
    // A refund that arrived before its order, and a message that will never be valid.
    await send(topics.refunds, JSON.stringify({ customerId: customer, refundId: 'r-1', orderId: 'o-2', amount: 500, occurredAt: '2024-03-02T10:00:00Z' }));
    await send(topics.purchases, '{"customerId":');
  });

  afterAll(async () => {
    process.env = saved;
    await engine?.app.close();
    await producer?.close();
    if (admin) {
      await deleteIngestTopics(admin, topics);
      await admin.disconnect();
    }
  });

  it('lists the dead letters with their reason, origin and original value', async () => {
    const letters = await list();
    expect(letters.map((l) => l.code)).toEqual(['REFUND.UNKNOWN_ORDER', 'REQUEST.MALFORMED_JSON']);
    expect(letters[0]).toMatchObject({ key: customer, original: expect.stringMatching(new RegExp(`^${topics.refunds.replace(/\./g, '\\.')}:\\d+:0$`)) });
    expect(letters[1]!.value).toBe('{"customerId":');
    expect((await list('--code', 'REQUEST.MALFORMED_JSON')).map((l) => l.code)).toEqual(['REQUEST.MALFORMED_JSON']);
    expect(await list('--limit', '1')).toHaveLength(1);
    expect(await cli('list')).toContain('REFUND.UNKNOWN_ORDER');
  });

  it('replays nothing on a dry run', async () => {
    const before = await highWatermark(topics.refunds);
    expect(await cli('replay', '--code', 'REFUND.UNKNOWN_ORDER', '--dry-run')).toContain('REFUND.UNKNOWN_ORDER');
    expect(await highWatermark(topics.refunds)).toBe(before);
  });

  it('re-drives a dead letter after the fix, and a second replay changes nothing', async () => {
    await send(topics.purchases, purchase('o-2'));
    expect(await refunds()).toHaveLength(0);
    await cli('replay', '--code', 'REFUND.UNKNOWN_ORDER');
    await caughtUp(admin, groupId, topics);
    expect((await refunds()).map((e) => (e.data as { refundId: string }).refundId)).toEqual(['r-1']);
    await cli('replay', '--code', 'REFUND.UNKNOWN_ORDER');
    await caughtUp(admin, groupId, topics);
    expect(await refunds()).toHaveLength(1);
    // The re-driven refund went through: no new dead letter.
    expect((await list()).map((l) => l.code)).toEqual(['REFUND.UNKNOWN_ORDER', 'REQUEST.MALFORMED_JSON']);
  });
});
