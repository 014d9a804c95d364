import { randomBytes } from 'node:crypto';
import { Column, Entity, type MigrationInterface, PrimaryColumn, type QueryRunner } from 'typeorm';
import { type EventStore, eventIdFor, type RecordedEvent } from '@lifecycle/event-store';
import { bigintColumn, instantColumn } from '../columns';
import { type ProjectionDefinition, ProjectionEventError } from '../projections/projection';
import { rowProjection } from '../projections/row-projection';

/**
 * A small read model for the runner's own tests: per key, how many events and what total. Every test
 * gets a namespace of its own, used as the event type and as the key prefix, so that tests sharing
 * one database (and so one global log and one table) never see each other's events or rows.
 */
@Entity({ name: 'test_tally' })
export class Tally {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' })
  projectionVersion!: number;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'integer' })
  events!: number;

  @Column({ type: 'bigint', transformer: bigintColumn })
  total!: bigint;

  @Column({ name: 'last_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  lastAt!: string | null;
}

export type TallyRow = Omit<Tally, 'projectionVersion'>;

export class TallyTable1767225699000 implements MigrationInterface {
  name = 'TallyTable1767225699000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE test_tally (
      projection_version integer NOT NULL, key text NOT NULL, events integer NOT NULL, total bigint NOT NULL, last_at timestamptz,
      PRIMARY KEY (key, projection_version))`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE test_tally`);
  }
}

export const TALLY_READ_MODELS = { entities: [Tally], migrations: [TallyTable1767225699000] };

export interface TallyData {
  readonly key: string;
  readonly amount: number;
  readonly at: string;
  /** Projections (by name) that must fail on this event. */
  readonly failFor?: readonly string[];
}

export type TallyEvent = { readonly type: string; readonly data: TallyData };

export const newNamespace = (): string => `t${randomBytes(5).toString('hex')}`;

let versions = 0;
/**
 * Versions unique within the process: every version of every test shares the one tally table, and
 * clearing a version (a rebuild) deletes that version's rows whatever their namespace.
 */
export const nextVersion = (): number => ++versions;

export interface TallyOptions {
  readonly name: string;
  readonly version: number;
  /** The namespace whose events it counts. */
  readonly namespace: string;
  /** Multiplies amounts: a "new rule" for side-by-side tests. */
  readonly factor?: number;
}

/** The tally as a row projection: the shape every real projection takes. */
export function tallyProjection({ name, version, namespace, factor = 1 }: TallyOptions): ProjectionDefinition {
  return rowProjection<TallyRow, TallyEvent>(
    {
      name,
      version,
      handles: [namespace],
      keyOf: (event) => event.data.key,
      evolve: (row, { data }) => {
        if (data.failFor?.includes(name)) throw new Error(`told to fail on ${data.key}`);
        return {
          key: data.key,
          events: (row?.events ?? 0) + 1,
          total: (row?.total ?? 0n) + BigInt(data.amount * factor),
          lastAt: row?.lastAt && row.lastAt > data.at ? row.lastAt : data.at,
        };
      },
    },
    { entity: Tally, key: 'key' },
  );
}

/**
 * A hand-written projection that writes each event's row as soon as it sees it and fails on an event
 * marked for it: proof that a batch's earlier writes are rolled back with it.
 */
export function eagerTallyProjection({ name, version, namespace }: TallyOptions): ProjectionDefinition {
  return {
    name,
    version,
    handles: [namespace],
    async applyBatch(events: readonly RecordedEvent[], { manager, version: v }) {
      for (const event of events) {
        const data = event.data as TallyData;
        if (data.failFor?.includes(name)) throw new ProjectionEventError(name, event, new Error(`told to fail on ${data.key}`));
        await manager.query(
          `INSERT INTO test_tally (projection_version, key, events, total, last_at) VALUES ($1, $2, 1, $3, $4)
           ON CONFLICT (projection_version, key) DO UPDATE SET events = test_tally.events + 1, total = test_tally.total + EXCLUDED.total`,
          [v, data.key, data.amount, data.at],
        );
      }
    },
    clearVersion: async (manager, v) => {
      await manager.query(`DELETE FROM test_tally WHERE projection_version = $1 AND key LIKE $2`, [v, `${namespace}:%`]);
    },
  };
}

let appended = 0;

/** Appends tally events of a namespace, each in its own stream; keys are prefixed with the namespace. */
export async function appendTallies(store: EventStore, namespace: string, tallies: readonly Omit<TallyData, 'at'>[]): Promise<void> {
  await store.appendToStreams(
    tallies.map((t) => {
      appended += 1;
      const data: TallyData = { ...t, key: `${namespace}:${t.key}`, at: new Date(Date.UTC(2024, 0, 1, 0, 0, appended)).toISOString() };
      const streamId = `tally-${namespace}-${appended}`;
      return { streamId, expectedRevision: 'no-stream' as const, events: [{ id: eventIdFor(streamId, 'tally'), type: namespace, data }] };
    }),
  );
}

/** The rows of one version of a namespace, ordered, as text: what two builds must agree on byte for byte. */
export async function dumpTally(manager: { query(sql: string, params?: unknown[]): Promise<unknown> }, namespace: string, version: number): Promise<string> {
  const rows = (await manager.query(
    `SELECT (to_jsonb(t) - 'projection_version')::text AS row FROM test_tally t WHERE projection_version = $1 AND key LIKE $2 ORDER BY key`,
    [version, `${namespace}:%`],
  )) as { row: string }[];
  return rows.map((r) => r.row).join('\n');
}
