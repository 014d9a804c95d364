import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Definitions are stored, so that every process rebuilds the same versions from the same rules: the
 * engine recreates each registered version at start and picks up versions the CLI registers. The
 * lease columns say which process drives a version (one writer per version; see projection-leases.sql.ts).
 */
export class ProjectionDefinitions1767225600100 implements MigrationInterface {
  name = 'ProjectionDefinitions1767225600100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE projection_definitions (
      name text NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      definition jsonb NOT NULL,
      switch_when_caught_up boolean NOT NULL DEFAULT true,
      registered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, version)
    )`);
    await runner.query(`ALTER TABLE projection_checkpoints ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE projection_checkpoints DROP COLUMN lease_owner, DROP COLUMN lease_until`);
    await runner.query(`DROP TABLE projection_definitions`);
  }
}
