import { Column, type DataSource, Entity, type MigrationInterface, PrimaryColumn, type QueryRunner } from 'typeorm';
import { EmbeddedDatabase } from '@lifecycle/event-store';
import { bigintColumn, instantColumn } from '../columns';
import { openEmbeddedReadStore } from '../data-source/read-store-data-source';
import { RowTable } from './row-table';

@Entity({ name: 'test_row_table' })
class Sample {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @PrimaryColumn({ type: 'text' }) key!: string;
  @Column({ type: 'timestamptz', nullable: true, transformer: instantColumn }) at!: string | null;
  @Column({ type: 'bigint', transformer: bigintColumn }) money!: bigint;
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | null) => Number(v) } }) count!: number;
  @Column({ type: 'smallint', nullable: true }) score!: number | null;
  @Column({ type: 'boolean', nullable: true }) flag!: boolean | null;
  @Column({ type: 'jsonb' }) bag!: Record<string, unknown>;
}

class SampleTable1767225699500 implements MigrationInterface {
  name = 'SampleTable1767225699500';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE test_row_table (projection_version integer NOT NULL, key text NOT NULL, at timestamptz, money bigint NOT NULL,
      count bigint NOT NULL, score smallint, flag boolean, bag jsonb NOT NULL, PRIMARY KEY (key, projection_version))`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE test_row_table`);
  }
}

type Row = Omit<Sample, 'projectionVersion'>;

describe('RowTable (PGlite)', () => {
  let db: EmbeddedDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await EmbeddedDatabase.open();
    ds = await openEmbeddedReadStore(db, { entities: [Sample], migrations: [SampleTable1767225699500] });
  });
  afterAll(async () => {
    await ds.destroy();
    await db.close();
  });

  it('returns from upsert exactly the rows a load reads back: what a projection remembers is what it would load', async () => {
    const table = new RowTable<Row>(ds.getMetadata(Sample), (c) => ds.driver.normalizeType(c), 'key');
    expect(table.remembers).toBe(true);
    const rows: Row[] = [
      // An instant in a non-canonical spelling, jsonb keys in an order jsonb does not keep (longer first,
      // integer-like, non-ASCII), nested objects, undefined and nulls.
      { key: 'a', at: '2024-03-01T10:00:00Z', money: 12_345_678_901_234_567n, count: 3, score: 4, flag: true, bag: { zz: 1, b: { y: [1, { d: 2, c: 3 }], x: null }, 10: 'ten', 9: 'nine', é: 2, e: undefined, 'ab-c': -0 } },
      { key: 'b', at: null, money: 0n, count: 0, score: null, flag: null, bag: {} },
      { key: 'c', at: '2024-03-01T10:00:00.123+02:00', money: -5n, count: 2 ** 40, score: 0, flag: false, bag: { list: ['x', 'y'], n: 1.5 } },
    ];
    const written = await ds.transaction((manager) => table.upsert(manager, 3, rows));
    const loaded = await table.load(ds.manager, 3, ['a', 'b', 'c']);
    const byKey = (list: readonly Row[]) => [...list].sort((p, q) => p.key.localeCompare(q.key)).map((r) => ({ ...r }));
    expect(byKey(written!)).toStrictEqual(byKey(loaded));
    // Key order too, not only the same keys: a fold iterating keys must see one order.
    expect(byKey(written!).map((r) => JSON.stringify(r.bag))).toEqual(byKey(loaded).map((r) => JSON.stringify(r.bag)));
    expect(written![0]!.at).toBe('2024-03-01T10:00:00.000Z');
  });
});
