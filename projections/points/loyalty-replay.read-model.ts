import type { DataSource, EntityManager } from 'typeorm';
import { canonicalMillis, type ClockTicked, decodeReplay, type LoyaltyReplay, type LoyaltyRules } from '@lifecycle/domain';
import type { RecordedEvent } from '@lifecycle/event-store';
import { copiesFromBlob, copyText, MAX_REMEMBERED_ROWS, type ProjectionDefinition, ProjectionEventError, type ProjectionMemory } from '@lifecycle/read-store';
import { FoldEventError } from '../fold-thread/fold-event-error';
import { FoldOnThread, foldsOnThread } from '../fold-thread/fold-thread';
import { LoyaltyFold, type LoyaltyFoldOutput, type ReplayTable } from './loyalty-fold';
import { loyaltyFoldOnThread } from './loyalty-fold-thread';

/**
 * The points and tier read models are one fold, `replayFact` (libs/domain/src/loyalty/loyalty-replay.ts),
 * bound to a table: one row per customer and version holding the replay (the derived customer state
 * the next fact continues from) and the figures queries and SQL read. A `ClockTicked` reaches every
 * customer whose `next_due_at` has come, which is why this is not a `rowProjection` (one key per event).
 *
 * Beside the rows, `<table>_versions` keeps per version the rules it was built under (queries and
 * diffs need them) and its clock: the latest instant the log has shown it (event times and ticks),
 * the as-of instant of a query that names none.
 */
export type { ReplayColumn, ReplayTable } from './loyalty-fold';

export const versionsTable = (table: string): string => `${table}_versions`;

export function replayProjection<Row>(spec: ReplayTable<Row>, version: number, rules: LoyaltyRules): ProjectionDefinition {
  const { table } = spec;
  const columns = ['customer_id', 'projection_version', 'replay', 'next_due_at', ...spec.columns.map((c) => c.name)];
  // The figures go as one JSON document; the replays, most of the bytes, as one bytea of their UTF-8
  // text side by side, each row naming its slice. Inside the JSON document every replay would be a
  // string of escaped JSON for PGlite to unescape (the points upsert over CDNOW_master: 843 -> 744 ms).
  const record = ['customer_id text', 'next_due_at timestamptz', 'replay_from integer', 'replay_bytes integer', ...spec.columns.map((c) => `${c.name} ${c.type}`)];
  const upsertSql = `INSERT INTO ${table} (${columns.join(', ')})
SELECT r.customer_id, $2::integer, convert_from(substring($3::bytea FROM r.replay_from FOR r.replay_bytes), 'UTF8'), ${columns.slice(3).map((c) => `r.${c}`).join(', ')}
FROM json_to_recordset($1::json) AS r(${record.join(', ')})
ON CONFLICT (customer_id, projection_version) DO UPDATE SET ${columns.slice(2).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  const rulesJson = JSON.stringify(rules);
  // The memory's fold, made by the first batch it sees (look-ahead or not).
  const heldFold = (memory: ProjectionMemory, v: number, firstBatch: number) =>
    memory.slot('fold', () => ({ fold: foldsOnThread(memory.fromStart, firstBatch) ? loyaltyFoldOnThread(spec, v, rules, MAX_REMEMBERED_ROWS) : foldHere(v, memory.fromStart) }));
  const foldHere = (v: number, complete: boolean) => new LoyaltyFold(spec, v, rules, complete, MAX_REMEMBERED_ROWS);

  return {
    name: spec.projection,
    version,
    handles: spec.handles,

    lookAhead(events, { version: v, memory, copiesFromBlob: copy }): void {
      const held = heldFold(memory, v, events.length);
      if (held.fold instanceof FoldOnThread) held.fold.start({ events, copy });
    },

    async applyBatch(events: readonly RecordedEvent[], { manager, version: v, memory }): Promise<void> {
      const held = heldFold(memory, v, events.length);
      let lastTick: string | undefined;
      let clock: string | undefined;
      for (const e of events) {
        const at = instantOf(e);
        if (at !== undefined && (clock === undefined || at > clock)) clock = at;
        if (e.type === 'ClockTicked') lastTick = (e.data as ClockTicked['data']).at;
      }
      const copy = copiesFromBlob(manager);

      let output: LoyaltyFoldOutput | undefined;
      try {
        if (held.fold instanceof FoldOnThread) {
          const result = await held.fold.apply({ events, copy });
          if ('output' in result) output = result.output;
          // The thread no longer holds this fold (it ended, or the fold outgrew what is kept): go on
          // here, reading from the table the replays the memory lacks.
          if (!('output' in result) || !result.complete) held.fold = foldHere(v, false);
        }
        if (output === undefined) {
          const fold = held.fold as LoyaltyFold<Row>;
          const due = lastTick === undefined ? [] : ((await manager.query(`SELECT customer_id FROM ${table} WHERE projection_version = $1 AND next_due_at <= $2`, [v, lastTick])) as { customer_id: string }[]).map((r) => r.customer_id);
          const missing = fold.missing(events, due);
          if (missing.length > 0) {
            const rows = (await manager.query(`SELECT customer_id, replay FROM ${table} WHERE projection_version = $1 AND customer_id = ANY($2::text[])`, [v, missing])) as {
              customer_id: string; replay: unknown;
            }[];
            for (const row of rows) fold.adopt(row.customer_id, row.replay);
          }
          output = fold.apply(events, due, copy);
        }
      } catch (error) {
        if (error instanceof FoldEventError) throw new ProjectionEventError(spec.projection, events[error.index]!, error.cause);
        throw error;
      }
      if (output.copyText !== null) await copyText(manager, table, columns, output.copyText);
      if (output.upsert !== null) await manager.query(upsertSql, [output.upsert.documents, v, Buffer.from(output.upsert.replays, 'utf8')]);
      if (clock !== undefined) {
        await manager.query(
          `INSERT INTO ${versionsTable(table)} (projection_version, rules, clock) VALUES ($1, $2::jsonb, $3)
           ON CONFLICT (projection_version) DO UPDATE SET rules = EXCLUDED.rules, clock = GREATEST(${versionsTable(table)}.clock, EXCLUDED.clock)`,
          [v, rulesJson, clock],
        );
      }
    },

    async clearVersion(manager: EntityManager, v: number): Promise<void> {
      await manager.query(`DELETE FROM ${table} WHERE projection_version = $1`, [v]);
      await manager.query(`DELETE FROM ${versionsTable(table)} WHERE projection_version = $1`, [v]);
    },
  };
}

/** The instant an event shows time has reached (event time, never the time of the replay). */
const instantOf = (e: RecordedEvent): string | undefined => {
  const d = e.data as Record<string, unknown>;
  for (const field of ['at', 'occurredAt', 'registeredAt', 'erasedAt', 'changedAt', 'reviewedAt', 'warnedAt', 'settledAt', 'rewardedAt']) {
    const value = d[field];
    if (typeof value === 'string') return canonical(value);
  }
  return undefined;
};

const canonical = (value: string): string | undefined => {
  // Events carry the canonical spelling already; only another one goes through Date.
  if (canonicalMillis(value) !== undefined) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/** One version's rows, decoded: what a query or a diff reads. */
export interface VersionRow {
  readonly customerId: string;
  readonly replay: LoyaltyReplay;
}

export interface VersionInfo {
  readonly version: number;
  readonly rules: LoyaltyRules;
  /** The latest instant the version's log has shown; null before any event. */
  readonly clock: string | null;
}

type Db = DataSource | EntityManager;

/** The served version (or `version`), with its rules and clock; undefined when it has built nothing yet. */
export async function versionInfo(db: Db, projection: string, table: string, version?: number): Promise<VersionInfo | undefined> {
  const rows = (await db.query(
    `SELECT v.projection_version AS version, v.rules, v.clock FROM ${versionsTable(table)} v
     JOIN projection_checkpoints c ON c.projection = $1 AND c.version = v.projection_version
     WHERE ($2::integer IS NULL AND c.active) OR v.projection_version = $2`,
    [projection, version ?? null],
  )) as { version: number; rules: unknown; clock: Date | string | null }[];
  const row = rows[0];
  if (!row) return undefined;
  return {
    version: Number(row.version),
    rules: (typeof row.rules === 'string' ? JSON.parse(row.rules) : row.rules) as LoyaltyRules,
    clock: row.clock === null ? null : new Date(row.clock).toISOString(),
  };
}

export async function replayOf(db: Db, table: string, version: number, customerId: string): Promise<LoyaltyReplay | undefined> {
  const rows = (await db.query(`SELECT replay FROM ${table} WHERE projection_version = $1 AND customer_id = $2`, [version, customerId])) as { replay: unknown }[];
  const stored = rows[0]?.replay;
  return stored === undefined ? undefined : decodeReplay(typeof stored === 'string' ? JSON.parse(stored) : stored);
}

/** Every row of a version, decoded a page at a time (a diff or a total reads the whole population). */
export async function* replaysOf(db: Db, table: string, version: number, pageSize = 2000): AsyncGenerator<VersionRow> {
  let after = '';
  for (;;) {
    const rows = (await db.query(
      `SELECT customer_id, replay FROM ${table} WHERE projection_version = $1 AND customer_id > $2 ORDER BY customer_id LIMIT $3`,
      [version, after, pageSize],
    )) as { customer_id: string; replay: unknown }[];
    for (const row of rows) yield { customerId: row.customer_id, replay: decodeReplay(typeof row.replay === 'string' ? JSON.parse(row.replay) : row.replay) };
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.customer_id;
  }
}
