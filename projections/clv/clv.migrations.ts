import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Clv1767225609000 implements MigrationInterface {
  name = 'Clv1767225609000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE clv_customer (
      projection_version integer NOT NULL,
      customer_id text NOT NULL,
      first_purchase_at timestamptz,
      last_purchase_at timestamptz,
      purchase_days integer NOT NULL,
      repeat_spend bigint NOT NULL,
      orders jsonb NOT NULL,
      PRIMARY KEY (customer_id, projection_version)
    )`);
    // Fitted parameters, numbered per version: the seq is the "model version" the answers name.
    await runner.query(`CREATE TABLE clv_fit (
      projection_version integer NOT NULL,
      seq integer NOT NULL,
      model text NOT NULL,
      unit text NOT NULL,
      as_of text NOT NULL,
      trigger text NOT NULL,
      params jsonb NOT NULL,
      standard_errors jsonb,
      log_likelihood double precision NOT NULL,
      customers integer NOT NULL,
      converged boolean NOT NULL,
      PRIMARY KEY (projection_version, seq)
    )`);
    await runner.query(`CREATE INDEX clv_fit_by_model ON clv_fit (projection_version, model, as_of)`);
    // The log clock as this version has seen it (the last ClockTicked) and the last scheduled refit's period.
    await runner.query(`CREATE TABLE clv_clock (
      projection_version integer PRIMARY KEY,
      at timestamptz NOT NULL,
      last_refit_period text
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE clv_clock`);
    await runner.query(`DROP TABLE clv_fit`);
    await runner.query(`DROP TABLE clv_customer`);
  }
}
