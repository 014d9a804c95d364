import type { EntityManager, EntityMetadata, ValueTransformer } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** Every read-model row carries the version of the projection that wrote it (part of its key). */
export const VERSION_PROPERTY = 'projectionVersion';

export type VersionedRow<Row> = Row & { projectionVersion: number };

/**
 * The batch reads and writes of a one-row-per-key read model, generated once from its TypeORM
 * entity: load the rows of many keys in one statement, upsert many rows in one statement, delete many
 * keys in one statement. The upsert sends one array per column through `unnest`, so its text and plan
 * stay the same whatever the batch size; on PGlite that measured about 40% cheaper than one jsonb
 * parameter through `jsonb_to_recordset` and three times cheaper than a VALUES list.
 */
export class RowTable<Row extends object> {
  private readonly table: string;
  private readonly keyColumn: ColumnMetadata;
  private readonly versionColumn: ColumnMetadata;
  private readonly columns: readonly ColumnMetadata[];
  private readonly upsertSql: string;
  private readonly deleteSql: string;

  constructor(
    private readonly metadata: EntityMetadata,
    typeOf: (column: ColumnMetadata) => string,
    keyProperty: string,
  ) {
    const primary = metadata.primaryColumns.map((c) => c.propertyName).sort();
    if (primary.length !== 2 || !primary.includes(VERSION_PROPERTY) || !primary.includes(keyProperty)) {
      throw new Error(`${metadata.name}: the primary key must be exactly (${VERSION_PROPERTY}, ${keyProperty})`);
    }
    this.table = quote(metadata.tablePath);
    this.keyColumn = metadata.findColumnWithPropertyName(keyProperty)!;
    this.versionColumn = metadata.findColumnWithPropertyName(VERSION_PROPERTY)!;
    this.columns = metadata.columns;
    const names = this.columns.map((c) => quote(c.databaseName));
    // unnest flattens an array of arrays, so list-valued columns are jsonb instead.
    const listColumn = this.columns.find((c) => c.isArray);
    if (listColumn) throw new Error(`${metadata.name}.${listColumn.propertyName}: array columns are not supported, use jsonb`);
    const arrays = this.columns.map((c, i) => `$${i + 1}::${typeOf(c)}[]`);
    const updates = this.columns.filter((c) => !c.isPrimary).map((c) => `${quote(c.databaseName)} = EXCLUDED.${quote(c.databaseName)}`);
    this.upsertSql = `INSERT INTO ${this.table} (${names.join(', ')})
SELECT * FROM unnest(${arrays.join(', ')})
ON CONFLICT (${quote(this.keyColumn.databaseName)}, ${quote(this.versionColumn.databaseName)}) DO UPDATE SET ${updates.join(', ')}`;
    this.deleteSql = `DELETE FROM ${this.table} WHERE ${quote(this.versionColumn.databaseName)} = $1 AND ${quote(this.keyColumn.databaseName)} = ANY($2::text[])`;
  }

  /** The rows of `keys` that exist, hydrated as TypeORM would (transformers applied). */
  async load(manager: EntityManager, version: number, keys: readonly string[]): Promise<VersionedRow<Row>[]> {
    if (keys.length === 0) return [];
    return manager
      .createQueryBuilder<VersionedRow<Row>>(this.metadata.target, 'r')
      .where(`r.${this.keyColumn.propertyName} = ANY(:keys)`, { keys })
      .andWhere(`r.${VERSION_PROPERTY} = :version`, { version })
      .getMany();
  }

  async upsert(manager: EntityManager, version: number, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const arrays = this.columns.map((column) =>
      column === this.versionColumn
        ? rows.map(() => version)
        : rows.map((row) => toDatabase(column, (row as Record<string, unknown>)[column.propertyName])),
    );
    await manager.query(this.upsertSql, arrays);
  }

  async delete(manager: EntityManager, version: number, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await manager.query(this.deleteSql, [version, keys]);
  }

  async clearVersion(manager: EntityManager, version: number): Promise<void> {
    await manager.query(`DELETE FROM ${this.table} WHERE ${quote(this.versionColumn.databaseName)} = $1`, [version]);
  }
}

/** A column value as an element of its array parameter: transformers applied, bigints and json as text. */
function toDatabase(column: ColumnMetadata, value: unknown): unknown {
  const transformers: ValueTransformer[] = column.transformer === undefined ? [] : ([] as ValueTransformer[]).concat(column.transformer);
  const stored: unknown = transformers.reduce((v, t) => t.to(v), value) ?? null;
  if (stored === null) return null;
  if (column.type === 'jsonb' || column.type === 'json') return JSON.stringify(stored);
  return typeof stored === 'bigint' ? stored.toString() : stored;
}

const quote = (identifier: string): string => identifier.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.');
