import { kafkaMessaging, type Messaging } from '@lifecycle/messaging';
import { fromIntegrationRecord, IDEMPOTENCY_KEY_HEADER } from '@lifecycle/messaging/integration-events';
import { winbackStreamId } from '@lifecycle/sagas';
import { createTestDatabase, describeWithKafka, describeWithPostgres, kafkaBrokers, uniqueKafkaName } from '@lifecycle/testing';
import { ClockScheduler } from '../clock/clock-scheduler';
import { SettableClock } from '../testing/settable-clock';
import { customerIn, winbackExample } from './testing/winback-example';
import { startTestEngine, type TestEngine } from '../testing/test-engine';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const definition = winbackExample();
const campaignId = 'wb-kafka';
const pick = (prefix: string, group: 'treated' | 'control') => customerIn(campaignId, prefix, group);

async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    // A topic the engine has not created yet, or whose leader is still being elected, answers nothing yet.
    const value = await probe().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// The distributed path, on the real broker: the integration publisher sends `customer.lifecycle` to
// Kafka, the saga host enrols from its consumer group (not the in-process bus), and the stage's
// actions leave on `winback.actions`, one per treated customer, keyed by customer with the action id
// as idempotency key. Everything runs in the engine's own background loops (ROLE=all).
describeWithKafka('win-back campaigns over Kafka', () => {
  describeWithPostgres('on Postgres, ROLE=all with KAFKA_BROKERS', () => {
    let db: { url: string; drop: () => Promise<void> };
    let t: TestEngine;
    let messaging: Messaging;
    const prefix = uniqueKafkaName('wb');
    const topics = { lifecycle: `${prefix}.lifecycle`, tier: `${prefix}.tier`, points: `${prefix}.points`, messages: `${prefix}.messages`, winback: `${prefix}.winback` };
    const now = Math.floor(Date.now() / HOUR) * HOUR;
    const clock = new SettableClock(now);
    const treated = [pick('kt-a', 'treated'), pick('kt-b', 'treated')];
    const control = pick('kc', 'control');

    beforeAll(async () => {
      db = await createTestDatabase('le_winback_kafka');
      messaging = kafkaMessaging({ brokers: kafkaBrokers(), clientId: `${prefix}-test` });
      t = await startTestEngine({
        databaseUrl: db.url,
        clock,
        config: {
          projectionPollMs: 200,
          kafka: {
            brokers: kafkaBrokers(), clientId: prefix, ingestGroup: `${prefix}-ingest`,
            topics: {
              purchases: `${prefix}.purchases`, refunds: `${prefix}.refunds`, interactions: `${prefix}.interactions`,
              registrations: `${prefix}.registrations`, redemptions: `${prefix}.redemptions`, deadLetters: `${prefix}.dlq`,
            },
          },
          integrationEvents: { pollIntervalMs: 100, topics },
        },
      });
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await db?.drop();
    });

    it('enrols from customer.lifecycle on Kafka and sends the treated their stage-1 action on winback.actions', async () => {
      await t.http.post('/campaigns').set('x-api-key', t.keys.ops).send({ campaignId, definition }).expect(201);
      await t.http.post(`/campaigns/${campaignId}/start`).set('x-api-key', t.keys.ops).expect(200);
      for (const id of [...treated, control]) {
        await t.http.post(`/customers/${id}/purchases`).set('x-api-key', t.keys.ingest)
          .send({ orderId: `first-${id}`, amount: 4200, currency: 'USD', occurredAt: new Date(now - 90 * DAY - 3 * HOUR).toISOString() })
          .expect(201);
      }
      // Time makes them dormant: the tick is in the log, the publisher derives the transition from it.
      await t.engine.app.get(ClockScheduler).tick();

      const lifecycle = await eventually('customer.lifecycle on Kafka', () => messaging.readTopic(topics.lifecycle),
        (ms) => [...treated, control].every((id) => ms.some((m) => m.key?.toString() === id && (fromIntegrationRecord(m).payload as { to: string }).to === 'dormant')));
      expect(lifecycle.length).toBeGreaterThanOrEqual(3);

      for (const id of [...treated, control]) {
        const saga = await eventually(`saga of ${id}`, async () => (await t.engine.storage.eventStore.readStream(winbackStreamId(campaignId, id))).map((e) => e.type),
          (types) => types.includes('WinbackStageReached'));
        expect(saga[0]).toBe('WinbackEnrolled');
      }

      const actions = await eventually('winback.actions on Kafka', () => messaging.readTopic(topics.winback), (ms) => ms.length >= treated.length);
      // Give a wrongly sent control action, or a double send, the time to show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const sent = (await messaging.readTopic(topics.winback)).map((m) => ({ key: m.key?.toString(), idempotencyKey: m.headers[IDEMPOTENCY_KEY_HEADER], actionId: (fromIntegrationRecord(m).payload as { actionId: string }).actionId }));
      expect(actions.length).toBeGreaterThanOrEqual(treated.length);
      // The idempotency key is the log event's: a re-send after a crash carries the same one.
      const stageEventId = async (id: string) =>
        (await t.engine.storage.eventStore.readStream(winbackStreamId(campaignId, id))).find((e) => e.type === 'WinbackStageReached')!.id;
      const expected = [];
      for (const id of [...treated].sort()) expected.push({ key: id, idempotencyKey: `winback.actions:${await stageEventId(id)}`, actionId: `wb:${campaignId}:${id}:1:1` });
      expect(sent.sort((a, b) => String(a.key).localeCompare(String(b.key)))).toEqual(expected);
    }, 120_000);
  });
});
