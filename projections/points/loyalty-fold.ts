import {
  type ClockTicked, type CustomerStreamEvent, decodeReplay, encodeReplay, initialReplay, type LoyaltyReplay, type LoyaltyRules, replayDueAt, replayFact,
  type ReplayScope,
} from '@lifecycle/domain';
import type { RecordedEvent } from '@lifecycle/event-store';
import { copyLines, type CopyValue } from '@lifecycle/read-store/data-source/copy-rows';
import { FoldEventError } from '../fold-thread/fold-event-error';

/**
 * The fold of the points and tier read models, apart from the database: the customers' replays
 * held between batches, a batch applied to them, and the rows it changed spelled as the statements
 * take them. It imports nothing that talks to a database, so that it can run on a thread of its own
 * (loyalty-fold.thread.ts) as well as beside its table (loyalty-replay.read-model.ts).
 */
export interface ReplayColumn<Row> {
  readonly name: string;
  /** The SQL type of the column. */
  readonly type: 'text' | 'int8' | 'jsonb' | 'timestamptz';
  readonly value: (row: Row) => unknown;
}

export interface ReplayTable<Row> {
  readonly projection: string;
  readonly table: string;
  readonly scope: ReplayScope;
  readonly handles: readonly string[];
  readonly columns: readonly ReplayColumn<Row>[];
  /** The figures stored beside the replay. */
  summarize(replay: LoyaltyReplay, rules: LoyaltyRules): Row;
}

/** What one batch changed, ready for the statements. */
export interface LoyaltyFoldOutput {
  /** COPY text of the rows the table does not hold yet (null: none, or COPY not allowed). */
  readonly copyText: string | null;
  /**
   * The other changed rows: a JSON document of their figures, each naming its slice of `replays`,
   * the replays' text side by side (see the upsert in loyalty-replay.read-model.ts).
   */
  readonly upsert: { readonly documents: string; readonly replays: string } | null;
}

export class LoyaltyFold<Row> {
  /** The replays this version wrote, as written. Replays are immutable values, so holding them is safe. */
  readonly replays = new Map<string, LoyaltyReplay>();

  /**
   * `complete`: every row the table holds for this version is in `replays` (a build from the start
   * of the log), so a customer missing from them has no row. Reset when more than `limit` are held.
   */
  constructor(
    private readonly spec: ReplayTable<Row>,
    private readonly version: number,
    private readonly rules: LoyaltyRules,
    public complete: boolean,
    private readonly limit: number,
  ) {}

  /** The customers of the batch (events and `due`) whose stored replay must be adopted first. */
  missing(events: readonly RecordedEvent[], due: readonly string[]): string[] {
    if (this.complete) return [];
    return [...customersOf(events, due)].filter((id) => !this.replays.has(id));
  }

  /** A replay as its row stores it (JSON text or parsed). */
  adopt(customerId: string, stored: unknown): void {
    this.replays.set(customerId, decodeReplay(typeof stored === 'string' ? JSON.parse(stored) : stored));
  }

  /**
   * Applies the batch to the customers it names and to `due`, those the table shows a tick of the
   * batch reaches (undefined: a complete fold finds them among the replays it holds); a `ClockTicked`
   * reaches only those. `copy`: rows the table does not hold may go in with COPY.
   */
  apply(events: readonly RecordedEvent[], due: readonly string[] | undefined, copy: boolean): LoyaltyFoldOutput {
    const { spec, rules } = this;
    const { scope } = spec;
    const working = new Map<string, LoyaltyReplay>();
    for (const id of customersOf(events, due ?? this.dueBy(events))) {
      const replay = this.replays.get(id);
      if (replay) working.set(id, replay);
    }
    // Every row the table holds for these customers; the rest are new and may be copied in.
    const existing = new Set(working.keys());
    const changed = new Set<string>();
    events.forEach((e, index) => {
      try {
        if (e.type === 'ClockTicked') {
          const at = (e.data as ClockTicked['data']).at;
          for (const [id, replay] of working) {
            const dueAt = replayDueAt(replay, rules, scope);
            if (dueAt === undefined || dueAt > at) continue;
            const next = replayFact(replay, e as unknown as ClockTicked, rules, scope);
            if (next !== replay) {
              working.set(id, next);
              changed.add(id);
            }
          }
          return;
        }
        const id = (e.data as { customerId: string }).customerId;
        const replay = working.get(id) ?? initialReplay();
        const next = replayFact(replay, e as unknown as CustomerStreamEvent, rules, scope);
        if (next !== replay || !working.has(id)) {
          working.set(id, next);
          changed.add(id);
        }
      } catch (error) {
        throw new FoldEventError(index, error);
      }
    });

    const copied: CopyValue[][] = [];
    const documents: Record<string, unknown>[] = [];
    const texts: string[] = [];
    let from = 1; // substring counts from 1
    for (const id of changed) {
      const replay = working.get(id)!;
      const text = JSON.stringify(encodeReplay(replay));
      const dueAt = replayDueAt(replay, rules, scope) ?? null;
      const row = spec.summarize(replay, rules);
      if (copy && !existing.has(id)) {
        copied.push([id, this.version, text, dueAt, ...spec.columns.map((c) => copyValue(c, c.value(row)))]);
        continue;
      }
      const bytes = Buffer.byteLength(text);
      const doc: Record<string, unknown> = { customer_id: id, next_due_at: dueAt, replay_from: from, replay_bytes: bytes };
      for (const c of spec.columns) doc[c.name] = toParameter(c.value(row));
      documents.push(doc);
      texts.push(text);
      from += bytes;
    }

    for (const [id, replay] of working) this.replays.set(id, replay);
    if (this.replays.size > this.limit) {
      this.replays.clear();
      this.complete = false;
    }
    return {
      copyText: copied.length > 0 ? copyLines(copied) : null,
      upsert: documents.length > 0 ? { documents: JSON.stringify(documents), replays: texts.join('') } : null,
    };
  }

  /** The table's query for the customers the batch's last tick reaches (`next_due_at <= tick`), on the replays held. */
  private dueBy(events: readonly RecordedEvent[]): string[] {
    if (!this.complete) throw new Error('a fold that does not hold every replay needs the due customers from its table');
    let lastTick: string | undefined;
    for (const e of events) if (e.type === 'ClockTicked') lastTick = (e.data as ClockTicked['data']).at;
    if (lastTick === undefined) return [];
    const until = Date.parse(lastTick);
    const due: string[] = [];
    for (const [id, replay] of this.replays) {
      const dueAt = replayDueAt(replay, this.rules, this.spec.scope);
      if (dueAt !== undefined && Date.parse(dueAt) <= until) due.push(id);
    }
    return due;
  }
}

/** The customers a batch reaches: those its events name, and `due`. */
function customersOf(events: readonly RecordedEvent[], due: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const e of events) if (e.type !== 'ClockTicked') keys.add((e.data as { customerId: string }).customerId);
  for (const id of due) keys.add(id);
  return keys;
}

/** A column's value in the rows' JSON document (null for none; int8 beyond a JSON number as its digits). */
const toParameter = (value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  return typeof value === 'bigint' ? value.toString() : value;
};

/** A column's value as COPY takes it (jsonb as its JSON text). */
const copyValue = (column: Pick<ReplayColumn<unknown>, 'type'>, value: unknown): CopyValue => {
  const param = toParameter(value);
  return column.type === 'jsonb' && param !== null ? JSON.stringify(param) : (param as CopyValue);
};
