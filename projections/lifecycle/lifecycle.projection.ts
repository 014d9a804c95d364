import {
  advanceLifecycle, type ChurnFacts, type CustomerEvent, type CustomerStreamEvent, evolveLifecycle, initialLifecycleState, isClockTicked,
  lifecycleHistory, type LifecycleStage, type LifecycleState, type LifecycleThresholds, type LifecycleTransition, nextLifecycleDueAt,
} from '@lifecycle/domain';

export const LIFECYCLE = 'lifecycle';

/** Customer events and the clock's ticks: the log's own clock is the running max of their times. */
export const LIFECYCLE_HANDLES = ['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRefunded', 'InteractionRecorded', 'CustomerErased', 'ClockTicked'] as const;

/**
 * One customer's row. `at` is stored normalised to max(since, latest fact): the instant the customer
 * was last advanced to depends on where batches ended, and rows must not. The two are equivalent for
 * the fold, because every due moment between them has already been applied (each one changes the
 * stage, so it would have moved `since`).
 */
export interface LifecycleRow {
  readonly customerId: string;
  readonly stage: LifecycleStage | null;
  readonly since: string | null;
  readonly at: string | null;
  readonly nextDueAt: string | null;
  readonly registeredAt: string | null;
  readonly registration: 'explicit' | 'implicit' | null;
  readonly erasedAt: string | null;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  readonly facts: ChurnFacts;
  /** The customer's whole history, in the order it happened (the view lifecycle_transitions lists them). */
  readonly transitions: readonly StoredTransition[];
}

/** A transition as stored in its customer's row: numbered per customer, in the order they happened. */
export interface StoredTransition {
  readonly seq: number;
  readonly from: LifecycleStage | null;
  readonly to: LifecycleStage;
  readonly at: string;
  readonly cause: LifecycleTransition['cause'];
}

const stored = ({ from, to, at, cause }: LifecycleTransition, seq: number): StoredTransition => ({ seq, from, to, at, cause });

const later = (a: string | null, b: string | null | undefined): string | null => (b == null ? a : a === null || b > a ? b : a);

export function rowOf(state: LifecycleState, transitions: readonly StoredTransition[], thresholds: LifecycleThresholds): LifecycleRow {
  const facts: ChurnFacts = {
    purchaseTimes: state.purchaseTimes,
    engagementTimes: state.engagementTimes,
    complaintTimes: state.complaintTimes,
    satisfactionAnswers: state.satisfactionAnswers,
    npsAnswers: state.npsAnswers,
  };
  let settled = later(state.since, state.registeredAt);
  settled = later(settled, state.erasedAt);
  settled = later(settled, state.purchaseTimes.at(-1));
  settled = later(settled, state.engagementTimes.at(-1));
  settled = later(settled, state.complaintTimes.at(-1));
  settled = later(settled, state.satisfactionAnswers.at(-1)?.at);
  settled = later(settled, state.npsAnswers.at(-1)?.at);
  return {
    customerId: state.customerId,
    stage: state.stage,
    since: state.since,
    at: settled,
    nextDueAt: nextLifecycleDueAt(state, thresholds),
    registeredAt: state.registeredAt,
    registration: state.registration,
    erasedAt: state.erasedAt,
    firstPurchaseAt: state.purchaseTimes[0] ?? null,
    lastPurchaseAt: state.purchaseTimes.at(-1) ?? null,
    facts,
    transitions,
  };
}

export const stateOf = (row: LifecycleRow): LifecycleState => ({
  ...initialLifecycleState(row.customerId),
  stage: row.stage,
  since: row.since,
  at: row.at,
  registeredAt: row.registeredAt,
  registration: row.registration,
  erasedAt: row.erasedAt,
  ...row.facts,
});

interface Working {
  state: LifecycleState;
  changed: boolean;
  /** The customer's history: as loaded, then with this batch's transitions (a rewrite replaces it). */
  history: readonly StoredTransition[];
  /** A late fact arrived: the history is computed again at the end of the batch. */
  rewrite: boolean;
}

const working = (row: LifecycleRow): Working => ({ state: stateOf(row), changed: false, history: row.transitions, rewrite: false });

/**
 * The pure half of a batch. `clock` is the log clock before the batch; `loaded` the rows of the
 * customers the batch names. Before a customer's event the customer is advanced to the clock (which
 * that event's own time has already moved), so a late event lands at the time the log had reached.
 * `sweep` then advances the customers whose due moment the clock has passed.
 */
export class LifecycleBatch {
  private readonly working = new Map<string, Working>();

  constructor(
    private readonly thresholds: LifecycleThresholds,
    public clock: string | null,
    loaded: readonly LifecycleRow[],
  ) {
    for (const row of loaded) this.working.set(row.customerId, working(row));
  }

  /** Customer ids named by these events (the rows to load). */
  static customersOf(events: readonly { readonly type: string; readonly data: unknown }[]): string[] {
    const ids = new Set<string>();
    for (const e of events) if (!isClockTicked(e)) ids.add((e as CustomerEvent).data.customerId);
    return [...ids];
  }

  apply(event: { readonly type: string; readonly data: unknown }): void {
    if (isClockTicked(event)) {
      this.clock = later(this.clock, event.data.at);
      return;
    }
    const e = event as CustomerStreamEvent & CustomerEvent;
    const time = timeOf(e);
    this.clock = later(this.clock, time);
    const w = this.workingFor(e.data.customerId);
    if (this.clock !== null) this.record(w, advanceLifecycle(w.state, this.clock, this.thresholds));
    const late = w.state.at !== null && time < w.state.at;
    this.record(w, evolveLifecycle(w.state, e, this.thresholds), true);
    // A fact older than the time reached (an import in customer order, a delayed message): the
    // customer's history is what the facts give in event-time order, so it is computed again.
    // Done once per customer and batch (in `sweep`): the history is a function of the facts and the
    // time reached, so rewriting after the batch's last event equals rewriting after each late one.
    if (late && e.type !== 'InteractionRecorded' && e.type !== 'PurchaseRefunded') w.rewrite = true;
  }

  /** Advances to the clock every customer in memory, and the `due` rows loaded for the sweep. */
  sweep(due: readonly LifecycleRow[] = []): void {
    for (const row of due) {
      if (!this.working.has(row.customerId)) this.working.set(row.customerId, working(row));
    }
    for (const w of this.working.values()) {
      if (this.clock !== null) this.record(w, advanceLifecycle(w.state, this.clock, this.thresholds));
      if (w.rewrite) {
        const history = lifecycleHistory(w.state, this.thresholds);
        w.state = history.state;
        w.history = history.transitions.map((t, i) => stored(t, i + 1));
        w.rewrite = false;
      }
    }
  }

  /** Whether the customer is in memory (the sweep's query leaves those out). */
  has(customerId: string): boolean {
    return this.working.has(customerId);
  }

  /** Customers in memory (the sweep's query leaves them out). */
  get customerIds(): string[] {
    return [...this.working.keys()];
  }

  changedRows(): LifecycleRow[] {
    const rows: LifecycleRow[] = [];
    for (const w of this.working.values()) if (w.changed) rows.push(rowOf(w.state, w.history, this.thresholds));
    return rows;
  }

  private workingFor(customerId: string): Working {
    let w = this.working.get(customerId);
    if (!w) {
      w = { state: initialLifecycleState(customerId), changed: false, history: [], rewrite: false };
      this.working.set(customerId, w);
    }
    return w;
  }

  /**
   * Advancing alone moves only `at`, which is stored normalised: such a step changes the row only when
   * it makes a transition. An event's step changes its facts.
   */
  private record(w: Working, step: { readonly state: LifecycleState; readonly transitions: readonly LifecycleTransition[] }, event = false): void {
    if (step.state === w.state) return;
    w.state = step.state;
    if (step.transitions.length > 0) w.history = [...w.history, ...step.transitions.map((t, i) => stored(t, w.history.length + i + 1))];
    if (event || step.transitions.length > 0) w.changed = true;
  }
}

function timeOf(e: CustomerEvent): string {
  switch (e.type) {
    case 'CustomerRegistered':
      return e.data.registeredAt;
    case 'CustomerErased':
      return e.data.erasedAt;
    default:
      return e.data.occurredAt;
  }
}
