/**
 * A publisher in a process of its own, for the SIGKILL test: publishes to Kafka from the Postgres
 * log given, and after the first batch the transport accepted (before its checkpoint) prints
 * `published <n>` and waits to be killed. Arguments: database URL, brokers, topics as JSON.
 */
import { Pool } from 'pg';
import { createPostgresEventStore } from '@lifecycle/event-store';
import { kafkaMessaging } from '@lifecycle/messaging';
import { INTEGRATION_OUTBOX_TABLES, type IntegrationTopics, kafkaIntegrationTransport } from '@lifecycle/messaging/integration-events';
import { openPostgresReadStore } from '@lifecycle/read-store';
import { IntegrationPublisher } from '../integration-publisher';

async function main(): Promise<void> {
  const [url, brokers, topicsJson] = process.argv.slice(2) as [string, string, string];
  const pool = new Pool({ connectionString: url, max: 2 });
  const eventStore = await createPostgresEventStore(pool);
  const dataSource = await openPostgresReadStore(url, INTEGRATION_OUTBOX_TABLES);
  const producer = await kafkaMessaging({ brokers: brokers.split(','), clientId: 'publisher-child' }).producer();
  const publisher = new IntegrationPublisher({
    dataSource, eventStore, transport: kafkaIntegrationTransport(producer, JSON.parse(topicsJson) as IntegrationTopics),
    maxAgeMs: 100 * 365 * 24 * 3600 * 1000, batchSize: 4, owner: 'child', leaseMs: 1_000,
    afterPublish: async (messages) => {
      process.stdout.write(`published ${messages.length}\n`);
      await new Promise(() => undefined);
    },
  });
  await publisher.publishToHead();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
