import type { Admin } from 'kafkajs';
import { createTopicsAndWait, INGEST_KINDS, type IngestTopics, type Messaging, type MessageProducer } from '@lifecycle/messaging';
import { uniqueKafkaName } from '@lifecycle/testing';
import type { WorkloadMessage } from './ingest-workload';

/** Fresh ingest and dead-letter topics for one suite, all with the same partition count (co-partitioned). */
export async function createIngestTopics(admin: Admin, partitions = 3): Promise<IngestTopics> {
  const name = uniqueKafkaName('ingest');
  const topics: IngestTopics = {
    purchases: `${name}.purchases`, refunds: `${name}.refunds`, interactions: `${name}.interactions`,
    registrations: `${name}.registrations`, redemptions: `${name}.redemptions`, deadLetters: `${name}.dlq`,
  };
  await createTopicsAndWait(admin, Object.values(topics).map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })));
  return topics;
}

export async function deleteIngestTopics(admin: Admin, topics: IngestTopics): Promise<void> {
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
}

export async function produceWorkload(producer: MessageProducer, topics: IngestTopics, messages: readonly WorkloadMessage[], chunk = 1_000): Promise<void> {
  for (let i = 0; i < messages.length; i += chunk) {
    await producer.send(messages.slice(i, i + chunk).map((m) => ({ topic: topics[m.kind], key: m.key, value: m.value })));
  }
}

/** Resolves once the group has committed every partition of the ingest topics up to its end. */
export async function caughtUp(admin: Admin, groupId: string, topics: IngestTopics, pollMs = 200): Promise<void> {
  const names = INGEST_KINDS.map((kind) => topics[kind]);
  for (;;) {
    const ends = new Map<string, string>();
    for (const topic of names) for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${p.partition}`, p.high);
    const committed = new Map<string, string>();
    for (const t of await admin.fetchOffsets({ groupId, topics: names })) for (const p of t.partitions) committed.set(`${t.topic}:${p.partition}`, p.offset);
    const behind = [...ends].filter(([tp, high]) => high !== '0' && committed.get(tp) !== high);
    if (behind.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Dead letters as comparable strings: original topic kind, key, value, and the reason code. */
export async function deadLetterSummary(messaging: Messaging, topics: IngestTopics): Promise<string[]> {
  const kindOf = new Map(INGEST_KINDS.map((kind) => [topics[kind], kind]));
  return (await messaging.readTopic(topics.deadLetters)).map((m) =>
    [kindOf.get(m.headers['x-original-topic']!), m.key?.toString() ?? '', m.value?.toString('base64') ?? '', m.headers['x-dlq-reason-code']].join('|'));
}

export const expectedDeadLetters = (messages: readonly WorkloadMessage[]): string[] =>
  messages.flatMap((m) => ('refused' in m.expect ? [[m.kind, m.key ?? '', m.value?.toString('base64') ?? '', m.expect.refused].join('|')] : []));
