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
}

/** The other half: the entity whose table holds the rows, and the property `keyOf` answers. */
export interface RowMapping<Row> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- an entity class, as TypeORM takes it
  readonly entity: Function & { prototype: VersionedRow<Row> };
  readonly key: Extract<keyof Row, string>;
}

/**
 * A fold into one row per key, applied a batch at a time: load the rows the batch touches (one
 * statement), fold every event in memory in log order, then write the rows that changed (one upsert)
 * and delete the ones that became null (one delete). The runner commits that with the checkpoint.
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

    async applyBatch(events: readonly RecordedEvent[], { manager, version }: ApplyContext): Promise<void> {
      const table = tableFor(manager);
      const keyed = events.map((event) => ({ event, key: call(fold.name, event, () => fold.keyOf(event as unknown as E)) }));
      const keys = [...new Set(keyed.map((k) => k.key))];
      const before = new Map<string, Row>();
      for (const row of await table.load(manager, version, keys)) before.set(String(row[mapping.key]), row);

      const after = new Map<string, Row | null>();
      for (const { event, key } of keyed) {
        const current = after.has(key) ? after.get(key)! : (before.get(key) ?? null);
        after.set(key, call(fold.name, event, () => fold.evolve(current, event as unknown as E)));
      }

      const changed: Row[] = [];
      const deleted: string[] = [];
      for (const [key, row] of after) {
        if (row === null) {
          if (before.has(key)) deleted.push(key);
        } else if (row !== before.get(key)) {
          changed.push(row);
        }
      }
      await table.delete(manager, version, deleted);
      await table.upsert(manager, version, changed);
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
