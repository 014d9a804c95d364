import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerSummary1767225601000 implements MigrationInterface {
  name = 'CustomerSummary1767225601000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE customer_summary (
      projection_version integer NOT NULL,
      customer_id text NOT NULL,
      registered_at timestamptz,
      implicit boolean,
      first_purchase_at timestamptz,
      last_purchase_at timestamptz,
      order_count integer NOT NULL,
      currency text,
      gross_revenue bigint NOT NULL,
      refunded_amount bigint NOT NULL,
      net_revenue bigint NOT NULL,
      average_order_value bigint,
      interaction_counts jsonb NOT NULL,
      last_interaction_at timestamptz,
      last_satisfaction smallint,
      last_satisfaction_at timestamptz,
      last_nps smallint,
      last_nps_at timestamptz,
      complaint_times jsonb NOT NULL,
      erased_at timestamptz,
      -- Key first: a batch looks rows up by key, and the index serves that whatever the statistics say.
      PRIMARY KEY (customer_id, projection_version)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE customer_summary`);
  }
}
