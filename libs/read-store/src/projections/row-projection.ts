import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@lifecycle/event-store';
import { type ApplyContext, type ProjectionDefinition, ProjectionEventError } from './projection';
import { RowTable, type VersionedRow } from './row-table';

/**
 * The pure half of a projection, written in `projections/<name>/<name>.projection.ts` without any
 * I/O: which row an event touches and how it changes it. `evolve` returns the row unchanged (the
 * same object) when the event changes nothing, a new row otherwise, or null to delete it.
 */
export interface RowFold<Row, E extends { readonly type: string }> {
  readonly name: string;
  readonly version: number;
  readonly handles: readonly E['type'][];
  keyOf(event: E): string;
  evolve(row: Row | null, event: E): Row | null;
  /**
   * Optional: the events of one key in one batch at once, equal to folding them one by one with
   * `evolve` (and returning the same row when none changes it). For folds whose row grows with the
   * history (one entry per order), where a copy per event would cost the square of the history.
   */
  evolveMany?(row: Row | null, events: readonly E[]): Row | null;
}

/** The other half: the entity whose table holds the rows, and the property `keyOf` answers. */
export interface RowMapping<Row> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- an entity class, as TypeORM takes it
  readonly entity: Function & { prototype: VersionedRow<Row> };
  readonly key: Extract<keyof Row, string>;
}

/** Past this many rows a projection's memory is dropped and its rows are loaded again as needed. */
export const MAX_REMEMBERED_ROWS = 200_000;

/**
 * A fold into one row per key, applied a batch at a time: take the rows the batch touches from the
 * projection's memory, loading (one statement) those it does not hold, fold every event in memory in
 * log order, then write the rows that changed (one upsert) and delete the ones that became null (one
 * delete). The runner commits that with the checkpoint. Built from the start of the log, a version
 * loads nothing: every row it has is one it wrote and remembers (up to MAX_REMEMBERED_ROWS). Rows of keys
 * the table does not hold yet go in with `RowTable.insert` (COPY on PGlite), the others with the upsert.
 */
export function rowProjection<Row extends object, E extends { readonly type: string }>(
  fold: RowFold<Row, E>,
  mapping: RowMapping<Row>,
): ProjectionDefinition & { readonly entity: RowMapping<Row>['entity'] } {
  const tables = new WeakMap<object, RowTable<Row>>();
  const tableFor = (manager: EntityManager): RowTable<Row> => {
    let table = tables.get(manager.connection);
    if (!table) {
      const driver = manager.connection.driver;
      table = new RowTable<Row>(manager.connection.getMetadata(mapping.entity), (c) => driver.normalizeType(c), mapping.key);
      tables.set(manager.connection, table);
    }
    return table;
  };

  return {
    name: fold.name,
    version: fold.version,
    handles: fold.handles,
    entity: mapping.entity,

    async applyBatch(events: readonly RecordedEvent[], { manager, version, memory }: ApplyContext): Promise<void> {
      const table = tableFor(manager);
      const remembered = table.remembers ? memory.slot('rows', () => ({ rows: new Map<string, Row | null>(), complete: memory.fromStart })) : undefined;
      const keyed = events.map((event) => ({ event, key: call(fold.name, event, () => fold.keyOf(event as unknown as E)) }));
      const keys = [...new Set(keyed.map((k) => k.key))];
      const before = new Map<string, Row>();
      const unknown: string[] = [];
      for (const key of keys) {
        const row = remembered?.rows.get(key);
        if (row) before.set(key, row);
        else if (row === undefined && !remembered?.complete) unknown.push(key);
      }
      for (const row of await table.load(manager, version, unknown)) before.set(String(row[mapping.key]), row);

      const after = new Map<string, Row | null>();
      if (fold.evolveMany) {
        const byKey = new Map<string, E[]>();
        for (const { event, key } of keyed) {
          const list = byKey.get(key);
          if (list) list.push(event as unknown as E);
          else byKey.set(key, [event as unknown as E]);
        }
        for (const [key, list] of byKey) {
          const row = before.get(key) ?? null;
          try {
            after.set(key, fold.evolveMany(row, list));
          } catch {
            // Applied one by one again, so that the error names the event it failed on.
            after.set(key, list.reduce<Row | null>((current, event) => call(fold.name, event as unknown as RecordedEvent, () => fold.evolve(current, event)), row));
          }
        }
      } else {
        for (const { event, key } of keyed) {
          const current = after.has(key) ? after.get(key)! : (before.get(key) ?? null);
          after.set(key, call(fold.name, event, () => fold.evolve(current, event as unknown as E)));
        }
      }

      // `before` holds every row of these keys that the table holds (remembered, or loaded just now).
      const changed: Row[] = [];
      const added: Row[] = [];
      const deleted: string[] = [];
      for (const [key, row] of after) {
        if (row === null) {
          if (before.has(key)) deleted.push(key);
        } else if (!before.has(key)) {
          added.push(row);
        } else if (row !== before.get(key)) {
          changed.push(row);
        }
      }
      await table.delete(manager, version, deleted);
      const updated = await table.upsert(manager, version, changed);
      const inserted = await table.insert(manager, version, added);

      if (!remembered || !updated || !inserted) return;
      const written = [...updated, ...inserted];
      // What the tables now hold for these keys, in the form a load gives (the fold must see the same
      // row whether it was remembered or loaded, or rebuilds would depend on where batches end).
      for (const key of unknown) remembered.rows.set(key, before.get(key) ?? null);
      for (const key of deleted) remembered.rows.set(key, null);
      for (const row of written) remembered.rows.set(String(row[mapping.key]), row);
      if (remembered.rows.size > MAX_REMEMBERED_ROWS) {
        remembered.rows.clear();
        remembered.complete = false;
      }
    },

    clearVersion: (manager, version) => tableFor(manager).clearVersion(manager, version),
  };
}

function call<T>(projection: string, event: RecordedEvent, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new ProjectionEventError(projection, event, error);
  }
}
