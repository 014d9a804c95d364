import { type BatchConsumerOptions, DEFAULT_INGEST_TOPICS, type MessageBatch, type Messaging } from '@lifecycle/messaging';
import { SystemClock } from '../storage/clock';
import type { IngestBatchProcessor, IngestOutcome } from './ingest-batch-processor';
import { KafkaIngest } from './kafka-ingest';

const batch = (topic: string, partition: number): MessageBatch => ({
  topic, partition, messages: [{ topic, partition, offset: '0', key: null, value: null, headers: {}, timestamp: '0' }],
});

/** A processor whose calls finish only when the test says so, and a record of when each began and ended. */
function controlledProcessor() {
  const trace: string[] = [];
  const finish = new Map<string, () => void>();
  const processor = {
    process: (messages: MessageBatch['messages']) => {
      const name = `${messages[0]!.topic}/${messages[0]!.partition}`;
      trace.push(`start ${name}`);
      return new Promise<IngestOutcome>((resolve) =>
        finish.set(name, () => {
          trace.push(`end ${name}`);
          resolve({ recorded: 1, repeated: 0, refused: [], appendCalls: 1 });
        }),
      );
    },
    forgetCachedCustomers: () => undefined,
  } as unknown as IngestBatchProcessor;
  return { processor, trace, finish: (name: string) => finish.get(name)!() };
}

/** Messaging with nothing behind it; `consumer()` gives the options the ingest started its consumer with. */
function fakeMessaging(): { messaging: Messaging; consumer: () => BatchConsumerOptions } {
  let options: BatchConsumerOptions | undefined;
  const messaging = {
    batchConsumer: (o: BatchConsumerOptions) => {
      options = o;
      return { start: async () => undefined, stop: async () => undefined };
    },
    producer: async () => ({ send: async () => undefined, close: async () => undefined }),
    ensureTopics: async (topics: readonly string[]) => Object.fromEntries(topics.map((t) => [t, 3])),
  } as unknown as Messaging;
  return { messaging, consumer: () => options! };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('KafkaIngest', () => {
  it('handles batches of one partition number one after another across topics, and other partition numbers beside them', async () => {
    const { messaging, consumer } = fakeMessaging();
    const { processor, trace, finish } = controlledProcessor();
    const ingest = new KafkaIngest(messaging, processor, new SystemClock(), { groupId: 'g', topics: DEFAULT_INGEST_TOPICS, partitionsConsumedConcurrently: 4 });
    await ingest.onApplicationBootstrap();
    const options = consumer();
    expect(options.partitionsConsumedConcurrently).toBe(4);

    const { purchases, refunds } = DEFAULT_INGEST_TOPICS;
    const done = [options.handle(batch(purchases, 0)), options.handle(batch(refunds, 0)), options.handle(batch(purchases, 1))];
    await settle();
    // The refunds of partition 0 hold customers the purchases of partition 0 are writing: they wait.
    expect(trace).toEqual([`start ${purchases}/0`, `start ${purchases}/1`]);
    finish(`${purchases}/1`);
    await settle();
    expect(trace).not.toContain(`start ${refunds}/0`);
    finish(`${purchases}/0`);
    await settle();
    expect(trace).toEqual([`start ${purchases}/0`, `start ${purchases}/1`, `end ${purchases}/1`, `end ${purchases}/0`, `start ${refunds}/0`]);
    finish(`${refunds}/0`);
    await Promise.all(done);
  });

  it('lets the next batch of a partition number go on after one failed, and still reports the failure', async () => {
    const { messaging, consumer } = fakeMessaging();
    let calls = 0;
    const processor = {
      process: async () => {
        calls++;
        if (calls === 1) throw new Error('store down');
        return { recorded: 1, repeated: 0, refused: [], appendCalls: 1 };
      },
      forgetCachedCustomers: () => undefined,
    } as unknown as IngestBatchProcessor;
    const ingest = new KafkaIngest(messaging, processor, new SystemClock(), { groupId: 'g', topics: DEFAULT_INGEST_TOPICS });
    await ingest.onApplicationBootstrap();
    const options = consumer();
    const failed = options.handle(batch(DEFAULT_INGEST_TOPICS.purchases, 2));
    const next = options.handle(batch(DEFAULT_INGEST_TOPICS.refunds, 2));
    await expect(failed).rejects.toThrow('store down');
    await expect(next).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
