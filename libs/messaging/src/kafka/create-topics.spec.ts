import type { Admin } from 'kafkajs';
import { KafkaJSProtocolError } from 'kafkajs';
import { createTopicsAndWait } from './create-topics';

// A scripted admin: what a KRaft broker answers in the moment after it has accepted a topic. The
// real broker is exercised in kafka-broker.int-spec.ts; this pins down which answers are retried.
function scriptedAdmin(metadataAnswers: (() => unknown)[]) {
  const calls = { createTopics: 0, fetchTopicMetadata: 0 };
  const created = new Set<string>();
  const admin = {
    listTopics: async () => [...created],
    createTopics: async ({ topics }: { topics: { topic: string }[] }) => {
      calls.createTopics++;
      for (const t of topics) created.add(t.topic);
      return true;
    },
    fetchTopicMetadata: async () => {
      calls.fetchTopicMetadata++;
      const answer = metadataAnswers.shift()!;
      return answer();
    },
  } as unknown as Admin;
  return { admin, calls };
}

const protocolError = (type: string) => Object.assign(new KafkaJSProtocolError(type), { type });
const ready = (partitions: number) => () => ({ topics: [{ name: 't', partitions: Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 1 })) }] });

describe('createTopicsAndWait', () => {
  it('given a broker that does not know the new topic yet, when asked again, then resolves with its partitions', async () => {
    const { admin, calls } = scriptedAdmin([
      () => { throw protocolError('UNKNOWN_TOPIC_OR_PARTITION'); },
      () => ({ topics: [{ name: 't', partitions: [{ partitionId: 0, leader: -1 }] }] }),
      ready(3),
    ]);
    await expect(createTopicsAndWait(admin, [{ topic: 't', numPartitions: 3 }])).resolves.toEqual({ t: 3 });
    expect(calls).toEqual({ createTopics: 1, fetchTopicMetadata: 3 });
  });

  it('given an error that is not "not yet", then fails at once', async () => {
    const { admin, calls } = scriptedAdmin([() => { throw protocolError('TOPIC_AUTHORIZATION_FAILED'); }]);
    await expect(createTopicsAndWait(admin, [{ topic: 't' }])).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(calls.fetchTopicMetadata).toBe(1);
  });

  it('given a topic that never gets a leader, then gives up after the attempts it was allowed', async () => {
    const leaderless = () => ({ topics: [{ name: 't', partitions: [] }] });
    const { admin, calls } = scriptedAdmin([leaderless, leaderless]);
    await expect(createTopicsAndWait(admin, [{ topic: 't' }], 2)).rejects.toMatchObject({
      code: 'MESSAGING.TOPICS_NOT_READY', topics: ['t'], message: 'topics without a partition leader yet: t',
    });
    expect(calls.fetchTopicMetadata).toBe(2);
  });
});
