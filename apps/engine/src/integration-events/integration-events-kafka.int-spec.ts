import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import request from 'supertest';
import type { AnyIntegrationMessage } from '@lifecycle/domain';
import { evt } from '@lifecycle/domain/testing/customer-fixtures';
import { levt } from '@lifecycle/domain/testing/loyalty-fixtures';
import { createPostgresEventStore, type EventStore } from '@lifecycle/event-store';
import { type InboundMessage, kafkaMessaging, type MessageProducer, type Messaging } from '@lifecycle/messaging';
import {
  fromIntegrationRecord, IDEMPOTENCY_KEY_HEADER, INTEGRATION_OUTBOX_TABLES, type IntegrationTopics, kafkaIntegrationTransport,
} from '@lifecycle/messaging/integration-events';
import { customerSummaryProjection } from '@lifecycle/projections';
import { customerSummaryReadModel } from '@lifecycle/projections/customer-summary/customer-summary.read-model';
import { openPostgresReadStore, ProjectionRunner } from '@lifecycle/read-store';
import { createTestDatabase, describeWithKafka, describeWithPostgres, kafkaBrokers, uniqueKafkaName } from '@lifecycle/testing';
import type { DataSource } from 'typeorm';
import { validateEngineConfig } from '../config/engine-config';
import { createEngine, type Engine } from '../engine';
import { IntegrationEventsHost } from './integration-events.host';
import { IntegrationPublisher } from './integration-publisher';

const ROOT = join(__dirname, '..', '..', '..', '..');
const DAY = 24 * 3600 * 1000;
const LONG_AGO_IS_NEWS = 100 * 365 * DAY;

type Plain = { readonly type: string; readonly data: object };

/** A live history per customer (recent event times): registration, purchase, points, and a tier change for some. */
const history = (customerId: string, i: number): Plain[] => {
  const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  return [
    evt.registered({ customerId, registeredAt: at(3) }),
    evt.purchased({ customerId, orderId: `o-${i}`, occurredAt: at(2) }),
    levt.earned({ customerId, orderId: `o-${i}`, lotId: `order:o-${i}`, earnedAt: at(2) }),
    ...(i % 2 === 0 ? [levt.tierChanged({ customerId, trigger: `order:o-${i}`, changedAt: at(2) })] : []),
  ];
};

describeWithKafka('integration events on the real broker', () => {
  describeWithPostgres('published from the Postgres log', () => {
    let db: { url: string; drop: () => Promise<void> };
    let pool: Pool;
    let store: EventStore;
    let ds: DataSource;
    let messaging: Messaging;
    let producer: MessageProducer;
    let topics: IntegrationTopics;
    const customers = ['c-ada', 'c-bob', 'c-cy', 'c-dee', 'c-eve', 'c-fay'];

    beforeAll(async () => {
      db = await createTestDatabase('le_integration');
      pool = new Pool({ connectionString: db.url, max: 4 });
      store = await createPostgresEventStore(pool);
      ds = await openPostgresReadStore(db.url, INTEGRATION_OUTBOX_TABLES);
      messaging = kafkaMessaging({ brokers: kafkaBrokers(), clientId: 'integration-test' });
      const prefix = uniqueKafkaName('it');
      topics = {
        'customer.lifecycle': `${prefix}.lifecycle`, 'customer.tier': `${prefix}.tier`, 'loyalty.points': `${prefix}.points`,
        'customer.messages': `${prefix}.messages`, 'winback.actions': `${prefix}.winback`,
      };
      await messaging.ensureTopics(Object.values(topics));
      producer = await messaging.producer();
      for (const [i, id] of customers.entries()) {
        await store.appendToStream(`customer-${id}`, history(id, i).map((e) => ({ id: randomUUID(), type: e.type, data: e.data })), { expectedRevision: 'no-stream' });
      }
    });
    afterAll(async () => {
      await producer?.close();
      await ds?.destroy();
      await store?.close();
      await pool?.end();
      await db?.drop();
    });

    const readAll = async (): Promise<InboundMessage[]> => (await Promise.all(Object.values(topics).map((t) => messaging.readTopic(t)))).flat();

    it('a publisher killed (SIGKILL) between publish and checkpoint: its successor sends the same keys again and loses none', async () => {
      const killed = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['-r', join(ROOT, 'bin', 'register.js'), join(__dirname, 'testing', 'publisher-child.ts'), db.url, kafkaBrokers().join(','), JSON.stringify(topics)], {
          cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
        });
        let published = -1;
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => {
          const match = /published (\d+)/.exec(chunk.toString());
          if (match && published < 0) {
            published = Number(match[1]);
            child.kill('SIGKILL');
          }
        });
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(published) : reject(new Error(`child exited with ${code}: ${stderr}`))));
      });
      expect(killed).toBeGreaterThan(0);
      const fromTheDead = await readAll();
      expect(fromTheDead).toHaveLength(killed);

      // The dead process cannot let its lease go: the successor waits for it to lapse (1 s), then resumes from the checkpoint.
      const successor = new IntegrationPublisher({ dataSource: ds, eventStore: store, transport: kafkaIntegrationTransport(producer, topics), maxAgeMs: LONG_AGO_IS_NEWS, owner: 'successor' });
      for (let i = 0; i < 100 && !(await successor.publishToHead()); i++) await new Promise((r) => setTimeout(r, 100));

      const records = await readAll();
      const keys = records.map((r) => r.headers[IDEMPOTENCY_KEY_HEADER]!);
      // Every key the dead one sent went again; consumer-side dedup by key leaves each message once.
      for (const r of fromTheDead) expect(keys.filter((k) => k === r.headers[IDEMPOTENCY_KEY_HEADER])).toHaveLength(2);
      const once = new Map(records.map((r) => [r.headers[IDEMPOTENCY_KEY_HEADER]!, fromIntegrationRecord(r)]));
      // 6 customers: prospect + new each, points earned each, a tier change for three.
      expect(once.size).toBe(6 * 2 + 6 + 3);
      expect([...once.values()].filter((m) => m.type === 'customer.tier').map((m) => m.customerId).sort()).toEqual(['c-ada', 'c-cy', 'c-eve']);
      expect(records.length).toBe(once.size + killed);
    });

    it('keys every record by its customer, carries the idempotency key in a header and in the value, keeps a customer on one partition', async () => {
      const records = await readAll();
      expect(records.length).toBeGreaterThan(0);
      const partitionOf = new Map<string, string>();
      for (const r of records) {
        const m: AnyIntegrationMessage = fromIntegrationRecord(r);
        expect(r.key?.toString()).toBe(m.customerId);
        expect(r.headers[IDEMPOTENCY_KEY_HEADER]).toBe(m.idempotencyKey);
        expect(r.topic).toBe(topics[m.type]);
        expect(m.idempotencyKey.startsWith(`${m.type}:${m.source.eventId}`)).toBe(true);
        const where = `${r.topic}/${r.partition}`;
        const seen = partitionOf.get(`${r.topic}/${m.customerId}`);
        if (seen) expect(where).toBe(seen);
        partitionOf.set(`${r.topic}/${m.customerId}`, where);
      }
    });

    it('a projection rebuild publishes nothing: the publisher has its own checkpoint, and a replay appends nothing', async () => {
      const publisher = new IntegrationPublisher({ dataSource: ds, eventStore: store, transport: kafkaIntegrationTransport(producer, topics), maxAgeMs: LONG_AGO_IS_NEWS, owner: 'successor' });
      await publisher.publishToHead();
      const before = { records: (await readAll()).length, status: await publisher.status() };
      const rs = await openPostgresReadStore(db.url, customerSummaryReadModel);
      try {
        // Built from the start of the log, then version 2 replayed beside it and switched to: a rebuild.
        const first = new ProjectionRunner({ dataSource: rs, eventStore: store, projections: [customerSummaryProjection] });
        await first.start();
        await first.catchUp();
        await first.stop();
        const rebuild = new ProjectionRunner({ dataSource: rs, eventStore: store, projections: [customerSummaryProjection, { ...customerSummaryProjection, version: 2 }] });
        await rebuild.start();
        await rebuild.whenCaughtUp('customer-summary', 2);
        expect(await rebuild.activeVersion('customer-summary')).toBe(2);
        await rebuild.stop();
      } finally {
        await rs.destroy();
      }
      expect(await publisher.publishToHead()).toBe(true);
      expect((await readAll()).length).toBe(before.records);
      expect(await publisher.status()).toEqual(before.status);
    });
  });

  describe('the engine with KAFKA_BROKERS (ROLE=all, embedded)', () => {
    let engine: Engine;
    const admin = `test-admin-${randomBytes(12).toString('hex')}`;
    const prefix = uniqueKafkaName('it-engine');
    const topics = { lifecycle: `${prefix}.lifecycle`, tier: `${prefix}.tier`, points: `${prefix}.points`, messages: `${prefix}.messages`, winback: `${prefix}.winback` };
    const messaging = kafkaMessaging({ brokers: kafkaBrokers(), clientId: 'integration-engine-test' });

    beforeAll(async () => {
      const ingest = Object.fromEntries(['purchases', 'refunds', 'interactions', 'registrations', 'redemptions', 'deadLetters'].map((k) => [k, `${prefix}.in.${k}`]));
      // Created beforehand: the win-back saga host creates the lifecycle topic too at the same moment, and two
      // concurrent creations of one topic make kafkajs fail one of them (TOPIC_ALREADY_EXISTS).
      await messaging.ensureTopics([...Object.values(topics), ...Object.values(ingest)]);
      engine = await createEngine(validateEngineConfig({
        inMemory: true, masterKey: randomBytes(32).toString('base64'), adminKey: admin, logLevel: 'silent',
        kafka: { brokers: kafkaBrokers(), clientId: 'integration-engine-test', ingestGroup: `${prefix}-group`, topics: ingest },
        integrationEvents: { pollIntervalMs: 50, topics },
      }));
      await engine.app.init();
    });
    afterAll(() => engine?.app.close());

    it('publishes what the engine decides to the configured topics, keyed by customer', async () => {
      const http = request(engine.app.getHttpServer());
      const at = new Date(Date.now() - DAY).toISOString();
      expect((await http.post('/customers/c-kai/purchases').set('x-api-key', admin).send({ orderId: 'o-1', amount: 4200, currency: 'EUR', occurredAt: at })).status).toBe(201);
      await engine.app.get(IntegrationEventsHost).caughtUp();
      const lifecycle = (await messaging.readTopic(topics.lifecycle)).map((r) => ({ key: r.key?.toString(), m: fromIntegrationRecord(r) }));
      expect(lifecycle).toEqual([{ key: 'c-kai', m: expect.objectContaining({ type: 'customer.lifecycle', payload: { from: null, to: 'new', at: new Date(Date.parse(at)).toISOString(), cause: 'purchase' } }) }]);
      const points = (await messaging.readTopic(topics.points)).map(fromIntegrationRecord);
      expect(points).toEqual([expect.objectContaining({ customerId: 'c-kai', payload: expect.objectContaining({ kind: 'earned', points: 42, orderId: 'o-1' }) })]);
    });
  });
});
