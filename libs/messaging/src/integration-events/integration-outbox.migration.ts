import type { ReadModels } from '@lifecycle/read-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The integration publisher's own tables in the read store. Its checkpoint is not a projection's:
 * rebuilding projections never moves it, so a rebuild never publishes. The per-customer state it
 * derives lifecycle transitions from is committed with the checkpoint, in one transaction.
 * Instants are canonical ISO-8601 text (the log's own spelling), which sorts in time order.
 */
export class IntegrationOutbox1767225700000 implements MigrationInterface {
  name = 'IntegrationOutbox1767225700000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE integration_publisher (
      name text PRIMARY KEY,
      tx bigint NOT NULL DEFAULT 0,
      pos bigint NOT NULL DEFAULT 0,
      clock text,
      events_read bigint NOT NULL DEFAULT 0,
      published bigint NOT NULL DEFAULT 0,
      held_back bigint NOT NULL DEFAULT 0,
      held_back_by_type jsonb NOT NULL DEFAULT '{}',
      lease_owner text,
      lease_until timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE TABLE integration_customers (
      customer_id text PRIMARY KEY,
      state jsonb NOT NULL,
      next_due_at text
    )`);
    await runner.query(`CREATE INDEX integration_customers_due ON integration_customers (next_due_at) WHERE next_due_at IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE integration_customers`);
    await runner.query(`DROP TABLE integration_publisher`);
  }
}

/** For `openEmbeddedReadStore` / `openPostgresReadStore`: the publisher's tables have no entities. */
export const INTEGRATION_OUTBOX_TABLES: ReadModels = { entities: [], migrations: [IntegrationOutbox1767225700000] };
