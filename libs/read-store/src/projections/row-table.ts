import type { EntityManager, EntityMetadata, ValueTransformer } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { instantColumn } from '../columns';
import { copiesFromBlob, copyRows, type CopyValue } from '../data-source/copy-rows';

/** Every read-model row carries the version of the projection that wrote it (part of its key). */
export const VERSION_PROPERTY = 'projectionVersion';

export type VersionedRow<Row> = Row & { projectionVersion: number };

/**
 * The batch reads and writes of a one-row-per-key read model, generated once from its TypeORM
 * entity: load the rows of many keys in one statement, upsert many rows in one statement, delete many
 * keys in one statement. The upsert sends the rows as one `json` document through
 * `json_to_recordset`, so its text and plan stay the same whatever the batch size. On PGlite, since
 * the embedded driver sends long text as bytes, that is cheaper than one array per column through
 * `unnest`: 5-17% of the statement time for the summary and CLV rows, a third for rows with jsonb
 * columns like lifecycle's. `json`, not `jsonb`: a jsonb document is parsed into its binary form first.
 */
export class RowTable<Row extends object> {
  private readonly table: string;
  private readonly keyColumn: ColumnMetadata;
  private readonly versionColumn: ColumnMetadata;
  private readonly columns: readonly ColumnMetadata[];
  private readonly upsertSql: string;
  /** Per column: whether its value goes into the document as JSON text already (json and jsonb columns). */
  private readonly jsonColumns: readonly boolean[];
  /** Per column, its name as a JSON string, for the document's keys. */
  private readonly fieldNames: readonly string[];
  private readonly deleteSql: string;
  private readonly columnNames: readonly string[];
  /** Per column, `toDatabase` with its transformers bound (built once: this runs for every value written). */
  private readonly toDatabase: readonly ((value: unknown) => { param: unknown; stored: unknown })[];
  /** Per column, its value as `load` returns it once `upsert` has written it; null when that cannot be told in memory. */
  private readonly roundTrips: readonly ((param: unknown, stored: unknown) => unknown)[] | null;

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
    this.columnNames = names;
    const listColumn = this.columns.find((c) => c.isArray);
    if (listColumn) throw new Error(`${metadata.name}.${listColumn.propertyName}: array columns are not supported, use jsonb`);
    this.jsonColumns = this.columns.map(isJsonColumn);
    this.toDatabase = this.columns.map(toDatabaseOf);
    this.fieldNames = this.columns.map((c) => JSON.stringify(c.databaseName));
    const record = this.columns.map((c) => `${quote(c.databaseName)} ${typeOf(c)}`);
    const updates = this.columns.filter((c) => !c.isPrimary).map((c) => `${quote(c.databaseName)} = EXCLUDED.${quote(c.databaseName)}`);
    this.upsertSql = `INSERT INTO ${this.table} (${names.join(', ')})
SELECT ${names.join(', ')} FROM json_to_recordset($1::json) AS r(${record.join(', ')})
ON CONFLICT (${quote(this.keyColumn.databaseName)}, ${quote(this.versionColumn.databaseName)}) DO UPDATE SET ${updates.join(', ')}`;
    const trips = this.columns.map((c) => roundTripOf(c, typeOf(c)));
    this.roundTrips = trips.every((t) => t !== null) ? (trips as ((param: unknown, stored: unknown) => unknown)[]) : null;
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

  /** Whether `upsert` can tell the rows as a load would return them (every column's type is one it knows). */
  get remembers(): boolean {
    return this.roundTrips !== null;
  }

  /**
   * Writes the rows; returns them as `load` would read them back (instants canonical, json as parsed
   * from jsonb, transformers applied), or null when `remembers` is false.
   */
  async upsert(manager: EntityManager, version: number, rows: readonly Row[]): Promise<VersionedRow<Row>[] | null> {
    if (rows.length === 0) return this.roundTrips && [];
    const { params, loaded } = this.encode(version, rows);
    // The document is spelled here, not by JSON.stringify, so that json columns go in as the text
    // `toDatabase` already made of them (stringified once, in jsonb's key order).
    const documents = params.map((row) => `{${row.map((param, i) => `${this.fieldNames[i]}:${this.jsonColumns[i] && param !== null ? (param as string) : jsonScalar(param)}`).join(',')}}`);
    await manager.query(this.upsertSql, [`[${documents.join(',')}]`]);
    return loaded;
  }

  /**
   * Writes rows whose keys the table does not hold (the caller has seen that): one COPY where the
   * driver takes it (copy-rows.ts), else the upsert. Returns what `upsert` returns.
   */
  async insert(manager: EntityManager, version: number, rows: readonly Row[]): Promise<VersionedRow<Row>[] | null> {
    if (rows.length === 0 || !copiesFromBlob(manager)) return this.upsert(manager, version, rows);
    const { params, loaded } = this.encode(version, rows);
    await copyRows(manager, this.table, this.columnNames, params);
    return loaded;
  }

  /** Each row's column values as sent (see `toDatabase`), and the rows as a load would give them back. */
  private encode(version: number, rows: readonly Row[]): { params: CopyValue[][]; loaded: VersionedRow<Row>[] | null } {
    const loaded: Record<string, unknown>[] | null = this.roundTrips && rows.map(() => ({}));
    const params = rows.map((row, r) =>
      this.columns.map((column, i): CopyValue => {
        if (column === this.versionColumn) {
          if (loaded) loaded[r]![column.propertyName] = version;
          return version;
        }
        const value = this.toDatabase[i]!((row as Record<string, unknown>)[column.propertyName]);
        if (loaded) loaded[r]![column.propertyName] = this.roundTrips![i]!(value.param, value.stored);
        return value.param as CopyValue;
      }),
    );
    return { params, loaded: loaded as VersionedRow<Row>[] | null };
  }

  async delete(manager: EntityManager, version: number, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await manager.query(this.deleteSql, [version, keys]);
  }

  async clearVersion(manager: EntityManager, version: number): Promise<void> {
    await manager.query(`DELETE FROM ${this.table} WHERE ${quote(this.versionColumn.databaseName)} = $1`, [version]);
  }
}

/**
 * A column's value as sent (`param`: transformers applied, bigints and json as text; json with its
 * keys in jsonb's order) and as the transformers stored it.
 */
function toDatabaseOf(column: ColumnMetadata): (value: unknown) => { param: unknown; stored: unknown } {
  const to = chain(transformersOf(column).map((t) => (v: unknown): unknown => t.to(v)));
  const json = isJsonColumn(column);
  return (value) => {
    const stored: unknown = to(value) ?? null;
    if (stored === null) return { param: null, stored };
    if (json) return { param: JSON.stringify(inJsonbOrder(stored)), stored };
    return { param: typeof stored === 'bigint' ? stored.toString() : stored, stored };
  };
}

/** The functions applied one after the other, as one function. */
function chain(steps: readonly ((value: unknown) => unknown)[]): (value: unknown) => unknown {
  if (steps.length === 0) return (value) => value;
  if (steps.length === 1) return steps[0]!;
  return (value) => steps.reduce((v, step) => step(v), value);
}

/** A scalar in the document: NaN and the infinities as the text Postgres reads them by (JSON has no spelling for them). */
const jsonScalar = (value: unknown): string =>
  typeof value === 'number' && !Number.isFinite(value) ? `"${String(value)}"` : (JSON.stringify(value) ?? 'null');

const isJsonColumn = (column: ColumnMetadata): boolean => column.type === 'jsonb' || column.type === 'json';

const transformersOf = (column: ColumnMetadata): ValueTransformer[] =>
  column.transformer === undefined ? [] : ([] as ValueTransformer[]).concat(column.transformer);

/**
 * jsonb keeps an object's keys shorter first, then by their bytes, and a load parses them in that
 * order: a fold that iterates keys sees the same order whether its row was remembered or loaded.
 * Returns the value itself when every object in it is in that order already (the usual case), so
 * that JSON.stringify runs without a replacer, several times faster; otherwise a copy reordered.
 */
function inJsonbOrder(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  // What JSON.stringify calls toJSON on (a Date) it spells by that; leave it to it.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = inJsonbOrder(value[i]);
      if (item !== value[i]) (copy ??= [...value])[i] = item;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) ordered = jsonbKeyOrder(keys[i - 1]!, keys[i]!) <= 0;
  const inOrder = ordered ? keys : [...keys].sort(jsonbKeyOrder);
  const items = inOrder.map((k) => inJsonbOrder(record[k]));
  if (ordered && items.every((item, i) => item === record[inOrder[i]!])) return value;
  const out: Record<string, unknown> = {};
  inOrder.forEach((k, i) => (out[k] = items[i]));
  return out;
}

const ASCII = /^[\x00-\x7f]*$/;

/** Shorter first, then bytewise: on ASCII the UTF-16 length and order are the bytes'. */
function jsonbKeyOrder(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * A column's value from what `toDatabase` sends to what a load hydrates: the database's own round
 * trip of the type as the driver returns it (node-postgres and the embedded driver alike: int8 and
 * numeric as text, json parsed), then the `from` transformers, as TypeORM applies them (also to null).
 * null for a type whose round trip differs between drivers (a timestamp with no transformer is a
 * Date on one and may be text on the other) or is not listed here.
 */
function roundTripOf(column: ColumnMetadata, type: string): ((param: unknown, stored: unknown) => unknown) | null {
  const transformers = transformersOf(column);
  const from = chain(transformers.map((t) => (v: unknown): unknown => t.from(v)).reverse());
  let trip: ((param: unknown, stored: unknown) => unknown) | null;
  if (type === 'jsonb' || type === 'json') trip = (param) => JSON.parse(param as string);
  else if (type === 'text' || type === 'character varying' || type === 'bigint' || type === 'numeric') trip = (param) => String(param);
  else if (type === 'integer' || type === 'smallint' || type === 'double precision' || type === 'real') trip = (param) => Number(param);
  else if (type === 'boolean') trip = (param) => param === true || param === 'true';
  // An instant column's own text is what its transformer makes of the Date a load gives (and cheaper).
  else if (type === 'timestamp with time zone' && transformers.length === 1 && transformers[0] === instantColumn) trip = (param) => param;
  else if (type === 'timestamp with time zone' && transformers.length > 0) trip = (param) => new Date(param as string);
  else trip = null;
  if (trip === null) return null;
  const db = trip;
  return (param, stored) => from(stored === null ? null : db(param, stored));
}

const quote = (identifier: string): string => identifier.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.');
