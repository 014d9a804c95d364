import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProjectionCheckpoints1767225600000 implements MigrationInterface {
  name = 'ProjectionCheckpoints1767225600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE projection_checkpoints (
      projection text NOT NULL,
      version integer NOT NULL,
      tx bigint NOT NULL DEFAULT 0,
      pos bigint NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT 'building' CHECK (status IN ('building', 'live', 'failed')),
      active boolean NOT NULL DEFAULT false,
      events_processed bigint NOT NULL DEFAULT 0,
      last_error jsonb,
      caught_up_at timestamptz,
      activated_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, version)
    )`);
    await runner.query(`CREATE UNIQUE INDEX projection_checkpoints_one_active ON projection_checkpoints (projection) WHERE active`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE projection_checkpoints`);
  }
}
