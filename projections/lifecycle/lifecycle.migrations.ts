import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Lifecycle1767225605000 implements MigrationInterface {
  name = 'Lifecycle1767225605000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE lifecycle_state (
      projection_version integer NOT NULL,
      customer_id text NOT NULL,
      stage text,
      since timestamptz,
      at timestamptz,
      next_due_at timestamptz,
      registered_at timestamptz,
      registration text,
      erased_at timestamptz,
      first_purchase_at timestamptz,
      last_purchase_at timestamptz,
      transition_count integer NOT NULL,
      facts jsonb NOT NULL,
      PRIMARY KEY (customer_id, projection_version)
    )`);
    // The end-of-batch sweep loads only the customers whose due moment the clock has passed.
    await runner.query(`CREATE INDEX lifecycle_state_due ON lifecycle_state (projection_version, next_due_at) WHERE next_due_at IS NOT NULL`);
    await runner.query(`CREATE TABLE lifecycle_transitions (
      projection_version integer NOT NULL,
      customer_id text NOT NULL,
      seq integer NOT NULL,
      from_stage text,
      to_stage text NOT NULL,
      at timestamptz NOT NULL,
      cause text NOT NULL,
      PRIMARY KEY (customer_id, projection_version, seq)
    )`);
    await runner.query(`CREATE INDEX lifecycle_transitions_at ON lifecycle_transitions (projection_version, at)`);
    // The log clock each version has reached, and the thresholds it was built with (the queries read them).
    await runner.query(`CREATE TABLE lifecycle_clock (
      projection_version integer PRIMARY KEY,
      at timestamptz,
      thresholds jsonb NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE lifecycle_clock`);
    await runner.query(`DROP TABLE lifecycle_transitions`);
    await runner.query(`DROP TABLE lifecycle_state`);
  }
}

/**
 * A customer's transitions move into its state row, as one jsonb array: the projection writes one row
 * per customer instead of one more per transition (over CDNOW_master, 106,596 inserts and two index
 * entries each, about a fifth of the lifecycle rebuild). `lifecycle_transitions` stays, as a view with
 * the columns the table had, so that SQL reading it does not change.
 */
export class LifecycleTransitionsInState1767225605100 implements MigrationInterface {
  name = 'LifecycleTransitionsInState1767225605100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE lifecycle_state ADD COLUMN transitions jsonb NOT NULL DEFAULT '[]'`);
    await runner.query(`UPDATE lifecycle_state s SET transitions = t.history FROM (
      SELECT projection_version, customer_id,
        jsonb_agg(jsonb_build_object('seq', seq, 'from', from_stage, 'to', to_stage, 'at', to_char(at AT TIME ZONE 'UTC', ${ISO_UTC}), 'cause', cause) ORDER BY seq) AS history
      FROM lifecycle_transitions GROUP BY projection_version, customer_id
    ) t WHERE t.projection_version = s.projection_version AND t.customer_id = s.customer_id`);
    await runner.query(`ALTER TABLE lifecycle_state ALTER COLUMN transitions DROP DEFAULT`);
    // The count is the array's length now.
    await runner.query(`ALTER TABLE lifecycle_state DROP COLUMN transition_count`);
    await runner.query(`DROP TABLE lifecycle_transitions`);
    await runner.query(`CREATE VIEW lifecycle_transitions AS ${TRANSITIONS_VIEW}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP VIEW lifecycle_transitions`);
    await runner.query(`CREATE TABLE lifecycle_transitions AS ${TRANSITIONS_VIEW}`);
    await runner.query(`ALTER TABLE lifecycle_transitions ADD PRIMARY KEY (customer_id, projection_version, seq)`);
    await runner.query(`CREATE INDEX lifecycle_transitions_at ON lifecycle_transitions (projection_version, at)`);
    await runner.query(`ALTER TABLE lifecycle_state ADD COLUMN transition_count integer`);
    await runner.query(`UPDATE lifecycle_state SET transition_count = jsonb_array_length(transitions)`);
    await runner.query(`ALTER TABLE lifecycle_state ALTER COLUMN transition_count SET NOT NULL`);
    await runner.query(`ALTER TABLE lifecycle_state DROP COLUMN transitions`);
  }
}

// The instants the projection writes: canonical ISO-8601 in UTC with milliseconds.
const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export const TRANSITIONS_VIEW = `SELECT s.projection_version, s.customer_id, t.seq, t."from" AS from_stage, t."to" AS to_stage, t.at, t.cause
  FROM lifecycle_state s CROSS JOIN LATERAL jsonb_to_recordset(s.transitions) AS t(seq integer, "from" text, "to" text, at timestamptz, cause text)`;
