import type { DataSource, EntityManager } from 'typeorm';
import {
  advanceLifecycle, type ChurnSignal, churnInputOf, churnWarning, initialLifecycleState, LIFECYCLE_STAGES, type LifecycleStage, lifecycleStageAt,
  type LifecycleState, type LifecycleThresholds, type LifecycleTransition,
} from '@lifecycle/domain';
import type { ProjectionDiff } from '@lifecycle/read-store';
import { fromDb, readLifecycleClock } from './lifecycle.read-model';
import { LIFECYCLE, stateOf } from './lifecycle.projection';

type Db = DataSource | EntityManager;

/** P(alive) of a customer from the customer-base model, when there is one (the CLV projection). */
export type PAliveProvider = (customerId: string) => number | undefined | Promise<number | undefined>;

export interface LifecycleView {
  readonly customerId: string;
  readonly asOf: string;
  /** The stage at `asOf` (null: the customer was unknown then). */
  readonly stage: LifecycleStage | null;
  readonly since: string | null;
  /** Every transition up to `asOf`, oldest first. */
  readonly transitions: readonly Omit<LifecycleTransition, 'customerId'>[];
  readonly churnWarning: { readonly raised: boolean; readonly signals: readonly ChurnSignal[] };
  readonly version: number;
}

export interface LifecycleDistribution {
  readonly asOf: string | null;
  readonly version: number;
  readonly stages: Readonly<Record<LifecycleStage, number>>;
  /** Customers with a raised churn warning (only new, active and dormant customers can have one). */
  readonly churnWarnings: number;
  readonly churnWarningsByStage: Readonly<Record<LifecycleStage, number>>;
  readonly customers: number;
}

/** The served version of the lifecycle projection, or null before one exists. */
export async function activeLifecycleVersion(db: Db): Promise<number | null> {
  const [row] = (await db.query(`SELECT version FROM projection_checkpoints WHERE projection = $1 AND active`, [LIFECYCLE])) as { version: number }[];
  return row ? Number(row.version) : null;
}

interface Version {
  readonly version: number;
  readonly clock: string | null;
  readonly thresholds: LifecycleThresholds;
}

async function versionOf(db: Db, version?: number): Promise<Version | null> {
  const v = version ?? (await activeLifecycleVersion(db));
  if (v === null) return null;
  const clock = await readLifecycleClock(db, v);
  return clock === null ? null : { version: v, clock: clock.at, thresholds: clock.thresholds };
}

/**
 * One customer's stage at `asOf` (default: the log clock), read from the stored transitions; past the
 * log clock, the transitions time alone would make by then are added (no event can be known yet). The
 * churn warning is computed at `asOf` from the facts known then, with P(alive) when a provider is given.
 * null when the log knows nothing of the customer.
 */
export async function lifecycleOf(db: Db, customerId: string, asOf?: string, pAliveOf?: PAliveProvider): Promise<LifecycleView | null> {
  const v = await versionOf(db);
  if (!v) return null;
  const [raw] = (await db.query(`SELECT * FROM lifecycle_state WHERE projection_version = $1 AND customer_id = $2`, [v.version, customerId])) as Record<string, unknown>[];
  if (!raw) return null;
  const row = fromDb(raw);
  const at = asOf ?? v.clock ?? row.at!;
  const stored = ((await db.query(
    `SELECT from_stage, to_stage, at, cause FROM lifecycle_transitions WHERE projection_version = $1 AND customer_id = $2 AND at <= $3 ORDER BY seq`,
    [v.version, customerId, at],
  )) as Record<string, unknown>[]).map((t) => ({
    from: t.from_stage as LifecycleStage | null, to: t.to_stage as LifecycleStage, at: new Date(t.at as string).toISOString(), cause: t.cause as LifecycleTransition['cause'],
  }));
  const state = stateOf(row);
  const future = v.clock !== null && at > v.clock ? advanceLifecycle({ ...state, at: v.clock }, at, v.thresholds).transitions.map(({ customerId: _, ...t }) => t) : [];
  const transitions = [...stored, ...future];
  const last = transitions.at(-1);
  const stage = last?.to ?? null;
  const pAlive = pAliveOf ? await pAliveOf(customerId) : undefined;
  return {
    customerId,
    asOf: at,
    stage,
    since: last?.at ?? null,
    transitions,
    churnWarning: churnWarning({ ...churnInputOf(state, at, pAlive), stage }, v.thresholds),
    version: v.version,
  };
}

/**
 * Every customer's stage at `asOf` in one version: the last transition at or before it while `asOf`
 * is within the log clock, else the stage the facts give then (time alone moves it past the clock;
 * every fact is older, so the first and last purchase are all it takes). Facts (the churn inputs) are
 * loaded only for the customers that can carry a warning (new, active, dormant).
 */
export async function stagesAt(db: Db, version: number, asOf?: string): Promise<StagesAt | null> {
  const v = await versionOf(db, version);
  if (!v) return null;
  const stages = new Map<string, LifecycleStage>();
  if (asOf !== undefined && v.clock !== null && asOf <= v.clock) {
    const last = (await db.query(
      `SELECT DISTINCT ON (customer_id) customer_id, to_stage FROM lifecycle_transitions
       WHERE projection_version = $1 AND at <= $2 ORDER BY customer_id, seq DESC`,
      [v.version, asOf],
    )) as { customer_id: string; to_stage: LifecycleStage }[];
    for (const r of last) stages.set(r.customer_id, r.to_stage);
  } else {
    const rows = (await db.query(
      `SELECT customer_id, stage, registered_at, registration, erased_at, first_purchase_at, last_purchase_at FROM lifecycle_state WHERE projection_version = $1`,
      [v.version],
    )) as Record<string, unknown>[];
    for (const r of rows) {
      let stage = r.stage as LifecycleStage | null;
      if (asOf !== undefined) {
        const purchases = [iso(r.first_purchase_at), iso(r.last_purchase_at)].filter((p): p is string => p !== null);
        stage = lifecycleStageAt({
          ...initialLifecycleState(r.customer_id as string), registeredAt: iso(r.registered_at), registration: r.registration as LifecycleState['registration'],
          erasedAt: iso(r.erased_at), purchaseTimes: purchases,
        }, asOf, v.thresholds);
      }
      if (stage !== null) stages.set(r.customer_id as string, stage);
    }
  }
  return { version: v, stages, asOf: asOf ?? v.clock };
}

interface StagesAt {
  readonly version: Version;
  readonly stages: Map<string, LifecycleStage>;
  readonly asOf: string | null;
}

const WARNABLE: readonly LifecycleStage[] = ['new', 'active', 'dormant'];

/** The customers of `at` with a raised churn warning at its instant. */
async function warned(db: Db, at: StagesAt): Promise<Set<string>> {
  const out = new Set<string>();
  if (at.asOf === null) return out;
  const ids = [...at.stages].filter(([, stage]) => WARNABLE.includes(stage)).map(([id]) => id);
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = ((await db.query(`SELECT * FROM lifecycle_state WHERE projection_version = $1 AND customer_id = ANY($2::text[])`, [at.version.version, ids.slice(i, i + 5000)])) as Record<string, unknown>[]).map(fromDb);
    for (const row of rows) {
      const stage = at.stages.get(row.customerId)!;
      if (churnWarning({ ...churnInputOf(stateOf(row), at.asOf), stage }, at.version.thresholds).raised) out.add(row.customerId);
    }
  }
  return out;
}

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/** Customers per stage at `asOf` (default: the log clock) in the served version, and how many carry a churn warning (also per stage). */
export async function lifecycleDistribution(db: Db, asOf?: string): Promise<LifecycleDistribution | null> {
  const active = await activeLifecycleVersion(db);
  if (active === null) return null;
  const at = await stagesAt(db, active, asOf);
  if (!at) return null;
  const zero = () => Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0])) as Record<LifecycleStage, number>;
  const stages = zero();
  const churnWarningsByStage = zero();
  for (const stage of at.stages.values()) stages[stage]++;
  const warnings = await warned(db, at);
  for (const id of warnings) churnWarningsByStage[at.stages.get(id)!]++;
  return { asOf: at.asOf, version: active, stages, churnWarnings: warnings.size, churnWarningsByStage, customers: at.stages.size };
}

/** What switching `from` -> `to` would change: the stage matrix at `asOf` (default: each version's own clock). */
export async function lifecycleDiff(db: DataSource, from: number, to: number, asOf?: string): Promise<ProjectionDiff> {
  const [a, b] = [await stagesAt(db, from, asOf), await stagesAt(db, to, asOf)];
  const cells = new Map<string, { from: string | null; to: string | null; customers: number }>();
  const ids = new Set([...(a?.stages.keys() ?? []), ...(b?.stages.keys() ?? [])]);
  for (const id of ids) {
    const fromStage = a?.stages.get(id) ?? null;
    const toStage = b?.stages.get(id) ?? null;
    const key = `${fromStage}\u0000${toStage}`;
    const cell = cells.get(key) ?? { from: fromStage, to: toStage, customers: 0 };
    cell.customers++;
    cells.set(key, cell);
  }
  const order = (s: string | null) => (s === null ? -1 : LIFECYCLE_STAGES.indexOf(s as LifecycleStage));
  const sorted = [...cells.values()].sort((p, q) => order(p.from) - order(q.from) || order(p.to) - order(q.to));
  return {
    projection: LIFECYCLE,
    from,
    to,
    ...(asOf !== undefined && { asOf }),
    matrices: [{ dimension: 'stage', cells: sorted }],
    totals: [{ measure: 'churn warnings', from: a ? (await warned(db, a)).size : 0, to: b ? (await warned(db, b)).size : 0 }],
  };
}
