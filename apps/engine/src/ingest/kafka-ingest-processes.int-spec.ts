import { randomBytes } from 'node:crypto';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { connectPostgresEventStore, type EventStore, readLogPages } from '@lifecycle/event-store';
import { type IngestTopics, kafkaMessaging, type Messaging, type MessageProducer } from '@lifecycle/messaging';
import { createTestDatabase, describeWithKafka, describeWithPostgres, kafkaBrokers, testKafka, uniqueKafkaName } from '@lifecycle/testing';
import { startIngestProcess, type IngestProcess } from './testing/ingest-process';
import { ingestWorkload, storedFacts, type WorkloadMessage } from './testing/ingest-workload';
import {
  caughtUp, createIngestTopics, deadLetterSummary, deleteIngestTopics, expectedDeadLetters, produceWorkload,
} from './testing/kafka-test-topics';

// jest's default 60 s is too short for these on a loaded 2-core machine (80-95 s seen beside
// other suites): the bound only stops a hang, it times nothing.
const SLOW_MACHINE_TIMEOUT_MS = 300_000;

const sorted = (xs: readonly string[]) => [...xs].sort();
const factsOf = (ms: readonly WorkloadMessage[]) => ms.flatMap((m) => ('fact' in m.expect ? [m.expect.fact] : []));

/**
 * Ingest processes as deployed (ROLE=ingest on Postgres), each in its own child process, on the
 * real broker: one killed with SIGKILL in the middle of the stream, then two sharing the group.
 */
describeWithKafka('Kafka ingest processes', () => {
  describeWithPostgres('ROLE=ingest on Postgres', () => {
    let admin: Admin;
    let messaging: Messaging;
    let producer: MessageProducer;
    const masterKey = randomBytes(32).toString('base64');
    const running: IngestProcess[] = [];
    const cleanups: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      admin = testKafka('ingest-processes-admin').admin();
      await admin.connect();
      messaging = kafkaMessaging({ brokers: kafkaBrokers(), clientId: 'ingest-processes-test', logLevel: 'error' });
      producer = await messaging.producer();
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    afterAll(async () => {
      await producer?.close();
      await admin?.disconnect();
    });

    async function setUp(): Promise<{ topics: IngestTopics; databaseUrl: string; store: EventStore }> {
      const topics = await createIngestTopics(admin);
      const db = await createTestDatabase('le_ingest');
      // Closes its connections completely, so dropping the database kills none.
      const store = await connectPostgresEventStore(db.url);
      cleanups.push(async () => {
        await store.close();
        await db.drop();
        await deleteIngestTopics(admin, topics);
      });
      return { topics, databaseUrl: db.url, store };
    }
    const start = (databaseUrl: string, groupId: string, topics: IngestTopics) => {
      const p = startIngestProcess({ databaseUrl, masterKey, groupId, topics });
      running.push(p);
      return p;
    };
    const eventCount = async (store: EventStore) => (await storedFacts(store)).length;

    it('loses and doubles nothing when an ingest process is killed with SIGKILL mid-stream and another takes over', async () => {
      const { topics, databaseUrl, store } = await setUp();
      const groupId = uniqueKafkaName('ingest-kill');
      // Registrations and purchases only: their order across topics does not matter.
      const [messages] = ingestWorkload({ total: 6_000, customers: 600, prefix: uniqueKafkaName('k') }).phases;
      const third = Math.ceil(messages.length / 3);

      const first = start(databaseUrl, groupId, topics);
      await first.joined;
      await produceWorkload(producer, topics, messages.slice(0, third));
      while ((await eventCount(store)) === 0) await new Promise((r) => setTimeout(r, 100));
      // Killed while messages keep arriving: whatever it stored but had not committed is redelivered.
      const producing = produceWorkload(producer, topics, messages.slice(third, 2 * third), 250);
      await new Promise((r) => setTimeout(r, 50));
      await first.stop('SIGKILL');
      await producing;
      const storedAtKill = await eventCount(store);
      expect(storedAtKill).toBeGreaterThan(0);

      await produceWorkload(producer, topics, messages.slice(2 * third));
      const second = start(databaseUrl, groupId, topics);
      await second.joined;
      await caughtUp(admin, groupId, topics);

      const facts = await storedFacts(store);
      expect(facts).toHaveLength(factsOf(messages).length);
      expect(sorted(facts)).toEqual(sorted(factsOf(messages)));
      // Dead letters are at least once: one sent before the kill but not committed is sent again.
      const letters = await deadLetterSummary(messaging, topics);
      expect(sorted([...new Set(letters)])).toEqual(sorted(expectedDeadLetters(messages)));
    }, SLOW_MACHINE_TIMEOUT_MS);

    it('splits the partitions between two ingest processes of one group, which together store everything once', async () => {
      const { topics, databaseUrl, store } = await setUp();
      const groupId = uniqueKafkaName('ingest-pair');
      const workload = ingestWorkload({ total: 6_000, customers: 600, prefix: uniqueKafkaName('p') });
      const pair = [start(databaseUrl, groupId, topics), start(databaseUrl, groupId, topics)];
      await Promise.all(pair.map((p) => p.joined));
      // Both members in the group, each with a share: partition n of every topic to one of them.
      let assignments: Record<string, number[]>[] = [];
      for (;;) {
        const [group] = (await admin.describeGroups([groupId])).groups;
        assignments = group!.members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {});
        if (group!.state === 'Stable' && assignments.length === 2 && assignments.every((a) => Object.keys(a).length > 0)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const partitionsOf = (a: Record<string, number[]>) => [...new Set(Object.values(a).flat())].sort();
      expect(partitionsOf(assignments[0]!).some((p) => partitionsOf(assignments[1]!).includes(p))).toBe(false);
      expect(assignments.flatMap(partitionsOf).sort()).toEqual([0, 1, 2]);

      await produceWorkload(producer, topics, workload.phases[0]);
      await caughtUp(admin, groupId, topics);
      await produceWorkload(producer, topics, workload.phases[1]);
      await caughtUp(admin, groupId, topics);

      const facts = await storedFacts(store);
      expect(facts).toHaveLength(workload.facts.length);
      expect(sorted(facts)).toEqual(sorted(workload.facts));
      expect(sorted(await deadLetterSummary(messaging, topics))).toEqual(sorted(expectedDeadLetters(workload.refused)));
      // Both wrote: the events name the partition of the message that decided them.
      const partitions = new Set<string>();
      for await (const page of readLogPages(store)) for (const e of page) partitions.add(String(e.metadata.message).split(':')[1]!);
      expect([...partitions].sort()).toEqual(['0', '1', '2']);
    }, SLOW_MACHINE_TIMEOUT_MS);
  });
});
