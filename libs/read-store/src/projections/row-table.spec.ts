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

  it('insert (COPY on PGlite) stores and returns exactly what the upsert does, escapes and all', async () => {
    const table = new RowTable<Row>(ds.getMetadata(Sample), (c) => ds.driver.normalizeType(c), 'key');
    const awkward = 'tab\there\nnew line\r\\ back\\slash \\N é 漢字 😀 "quoted" \u2028';
    const rows: Row[] = [
      { key: awkward, at: '2024-03-01T10:00:00.5-01:00', money: 9_007_199_254_740_993n, count: 7, score: -3, flag: false, bag: { [awkward]: awkward, nested: { tab: '\t', back: '\\', n: '\\N' }, list: [null, true, 1e21, 1.5e-7] } },
      { key: '\\N', at: null, money: 0n, count: 0, score: null, flag: null, bag: { n: null } },
      { key: '', at: '2024-01-01T00:00:00Z', money: -1n, count: 1, score: 1, flag: true, bag: {} },
    ];
    const upserted = await ds.transaction((manager) => table.upsert(manager, 4, rows));
    const inserted = await ds.transaction((manager) => table.insert(manager, 5, rows));
    const dump = async (version: number) =>
      ((await ds.query(`SELECT (to_jsonb(t) - 'projection_version')::text AS row FROM test_row_table t WHERE projection_version = $1 ORDER BY key`, [version])) as { row: string }[]).map((r) => r.row);
    expect(await dump(5)).toEqual(await dump(4));
    expect(await dump(5)).toHaveLength(3);
    const unversioned = (list: readonly Row[]) => list.map(({ projectionVersion: _, ...row }: Row & { projectionVersion?: number }) => row);
    expect(unversioned(inserted!)).toStrictEqual(unversioned(upserted!));
    expect((await table.load(ds.manager, 5, [awkward]))[0]!.bag[awkward]).toBe(awkward);
  });

  it('insert refuses a key the table holds, and the transaction keeps nothing of it', async () => {
    const table = new RowTable<Row>(ds.getMetadata(Sample), (c) => ds.driver.normalizeType(c), 'key');
    const row = (key: string, count: number): Row => ({ key, at: null, money: 1n, count, score: null, flag: null, bag: {} });
    await ds.transaction((manager) => table.insert(manager, 6, [row('held', 1)]));
    await expect(ds.transaction((manager) => table.insert(manager, 6, [row('new', 2), row('held', 3)]))).rejects.toThrow(/duplicate key/);
    expect((await table.load(ds.manager, 6, ['held', 'new'])).map((r) => [r.key, r.count])).toEqual([['held', 1]]);
  });
});
