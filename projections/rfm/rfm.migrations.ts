import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Rfm1767225602000 implements MigrationInterface {
  name = 'Rfm1767225602000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rfm_purchase (
      customer_id text NOT NULL,
      order_id text NOT NULL,
      projection_version integer NOT NULL,
      occurred_at timestamptz NOT NULL,
      amount bigint NOT NULL,
      PRIMARY KEY (customer_id, order_id, projection_version)
    )`);
    // Scoring reads one version's facts in a time window.
    await runner.query(`CREATE INDEX rfm_purchase_window ON rfm_purchase (projection_version, occurred_at)`);
    await runner.query(`CREATE TABLE rfm_refund (
      customer_id text NOT NULL,
      refund_id text NOT NULL,
      projection_version integer NOT NULL,
      order_id text NOT NULL,
      occurred_at timestamptz NOT NULL,
      amount bigint NOT NULL,
      PRIMARY KEY (customer_id, refund_id, projection_version)
    )`);
    await runner.query(`CREATE INDEX rfm_refund_window ON rfm_refund (projection_version, occurred_at)`);
    await runner.query(`CREATE TABLE rfm_version (
      projection_version integer PRIMARY KEY,
      definition jsonb NOT NULL,
      last_tick_at timestamptz
    )`);
    await runner.query(`CREATE TABLE rfm_snapshot (
      as_of timestamptz NOT NULL,
      customer_id text NOT NULL,
      projection_version integer NOT NULL,
      recency_days integer NOT NULL,
      frequency integer NOT NULL,
      monetary bigint NOT NULL,
      r smallint NOT NULL,
      f smallint NOT NULL,
      m smallint NOT NULL,
      segment text NOT NULL,
      value_group text NOT NULL,
      PRIMARY KEY (as_of, customer_id, projection_version)
    )`);
    await runner.query(`CREATE TABLE rfm_snapshot_taken (
      as_of timestamptz NOT NULL,
      projection_version integer NOT NULL,
      customers integer NOT NULL,
      taken_by text NOT NULL CHECK (taken_by IN ('clock', 'query')),
      PRIMARY KEY (as_of, projection_version)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rfm_snapshot_taken, rfm_snapshot, rfm_version, rfm_refund, rfm_purchase`);
  }
}
