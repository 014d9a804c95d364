import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Tier1767225608000 implements MigrationInterface {
  name = 'Tier1767225608000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE tier (
      customer_id text NOT NULL,
      projection_version integer NOT NULL,
      -- The derived customer state the next fact continues from (libs/domain loyalty-replay, encoded
      -- JSON). Text, not jsonb: only the fold reads it, and PGlite parsing every row's jsonb cost more than the fold.
      replay text NOT NULL,
      -- The next tier review; null on the first tier (nothing to review).
      next_due_at timestamptz,
      tier text NOT NULL,
      since timestamptz,
      next_review_at timestamptz,
      history jsonb NOT NULL,
      currency text NOT NULL,
      PRIMARY KEY (customer_id, projection_version)
    )`);
    await runner.query(`CREATE INDEX tier_due ON tier (projection_version, next_due_at) WHERE next_due_at IS NOT NULL`);
    await runner.query(`CREATE TABLE tier_versions (
      projection_version integer PRIMARY KEY,
      rules jsonb NOT NULL,
      clock timestamptz
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE tier_versions`);
    await runner.query(`DROP TABLE tier`);
  }
}
