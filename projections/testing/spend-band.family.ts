import { Column, Entity, type MigrationInterface, PrimaryColumn, type QueryRunner } from 'typeorm';
import type { PurchaseRecorded } from '@lifecycle/domain';
import {
  bigintColumn, InvalidDefinitionError, parseCommonFields, type ProjectionDiff, type ProjectionFamily, type ProjectionParameters, rowProjection,
} from '@lifecycle/read-store';

/**
 * A family for the tests of hosting, rebuild and diff: one parameter, so that two versions built
 * side by side put customers in different groups and `diff` has a real matrix to show. Per customer:
 * the amount purchased (minor units) and its band, `high` from `threshold` on, `low` below.
 */
export interface SpendBandDefinition extends ProjectionParameters {
  readonly threshold: number;
}

export const SPEND_BAND = 'test-spend-band';

@Entity({ name: 'test_spend_band' })
export class SpendBand {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' })
  projectionVersion!: number;

  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ type: 'bigint', transformer: bigintColumn })
  spent!: bigint;

  @Column({ type: 'text' })
  band!: 'high' | 'low';
}

type SpendBandRow = Omit<SpendBand, 'projectionVersion'>;

export class SpendBandTable1767225699500 implements MigrationInterface {
  name = 'SpendBandTable1767225699500';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE test_spend_band (
      projection_version integer NOT NULL, customer_id text NOT NULL, spent bigint NOT NULL, band text NOT NULL,
      PRIMARY KEY (customer_id, projection_version))`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE test_spend_band`);
  }
}

const parseDefinition = (raw: unknown): SpendBandDefinition => {
  const fields = parseCommonFields(raw, SPEND_BAND, ['threshold']);
  if (!Number.isSafeInteger(fields.threshold) || (fields.threshold as number) < 0) {
    throw new InvalidDefinitionError('threshold', `must be a whole number of minor units, 0 or more (got ${JSON.stringify(fields.threshold)})`);
  }
  return {
    projection: fields.projection,
    version: fields.version,
    ...(fields.description !== undefined && { description: fields.description }),
    threshold: fields.threshold as number,
  };
};

export const spendBandFamily: ProjectionFamily<SpendBandDefinition> = {
  name: SPEND_BAND,
  parseDefinition,
  defaultDefinition: { projection: SPEND_BAND, version: 1, threshold: 10_000 },
  create: ({ version, threshold }) =>
    rowProjection<SpendBandRow, PurchaseRecorded>(
      {
        name: SPEND_BAND,
        version,
        handles: ['PurchaseRecorded'],
        keyOf: (e) => e.data.customerId,
        evolve: (row, e) => {
          const spent = (row?.spent ?? 0n) + BigInt(e.data.amount);
          return { customerId: e.data.customerId, spent, band: spent >= BigInt(threshold) ? 'high' : 'low' };
        },
      },
      { entity: SpendBand, key: 'customerId' },
    ),
  readModel: { entities: [SpendBand], migrations: [SpendBandTable1767225699500] },
  async diff(ds, from, to): Promise<ProjectionDiff> {
    const cells = (await ds.query(
      `SELECT f.band AS "from", t.band AS "to", count(*)::int AS customers
       FROM (SELECT * FROM test_spend_band WHERE projection_version = $1) f
       FULL JOIN (SELECT * FROM test_spend_band WHERE projection_version = $2) t ON t.customer_id = f.customer_id
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [from, to],
    )) as { from: string | null; to: string | null; customers: number }[];
    const [totals] = (await ds.query(
      `SELECT count(*) FILTER (WHERE projection_version = $1 AND band = 'high')::int AS f, count(*) FILTER (WHERE projection_version = $2 AND band = 'high')::int AS t
       FROM test_spend_band`,
      [from, to],
    )) as { f: number; t: number }[];
    return { projection: SPEND_BAND, from, to, matrices: [{ dimension: 'band', cells }], totals: [{ measure: 'high-band customers', from: totals!.f, to: totals!.t }] };
  },
};
