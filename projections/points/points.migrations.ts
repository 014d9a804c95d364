import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Points1767225607000 implements MigrationInterface {
  name = 'Points1767225607000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE points (
      customer_id text NOT NULL,
      projection_version integer NOT NULL,
      -- The derived customer state the next fact continues from (libs/domain loyalty-replay, encoded
      -- JSON). Text, not jsonb: only the fold reads it, and PGlite parsing every row's jsonb cost more than the fold.
      replay text NOT NULL,
      -- When a tick would next change something (expiry, a warning, a tier review); null: never without a fact.
      next_due_at timestamptz,
      currency text NOT NULL,
      balance bigint NOT NULL,
      outstanding bigint NOT NULL,
      debt bigint NOT NULL,
      earned bigint NOT NULL,
      redeemed bigint NOT NULL,
      expired bigint NOT NULL,
      clawed_back bigint NOT NULL,
      adjusted bigint NOT NULL,
      shortfall_movements bigint NOT NULL,
      shortfall_points bigint NOT NULL,
      lots jsonb NOT NULL,
      PRIMARY KEY (customer_id, projection_version)
    )`);
    await runner.query(`CREATE INDEX points_due ON points (projection_version, next_due_at) WHERE next_due_at IS NOT NULL`);
    await runner.query(`CREATE TABLE points_versions (
      projection_version integer PRIMARY KEY,
      rules jsonb NOT NULL,
      clock timestamptz
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE points_versions`);
    await runner.query(`DROP TABLE points`);
  }
}
