import type { DataSource, EntityManager } from 'typeorm';
import { type ClvValueGroup, clvValueGroups, type RfmDefinition, type ValueGroupBasis } from '@lifecycle/domain';
import { readDefinitions } from '@lifecycle/read-store';
import { clvFamily } from '../clv/clv.family';
import type { ClvDefinition } from '../clv/clv.definition';
import { activeClvVersion, ClvNoFitError, clvOfCustomers, type ClvOfCustomers, type ClvView, type FitRef } from '../clv/clv.query';

/**
 * The value groups of a snapshot as they are served. A `by: monetary` version serves the stored
 * column. A `by: clv` version ranks the snapshot's customers by their predicted CLV from the clv
 * projection, worked out when asked and never stored:
 *
 * - RFM rebuilds stay "same log, same rows": the snapshot's columns depend on RFM's own facts only
 *   (its `value_group` is always the monetary group), whatever the clv projection held when the
 *   snapshot was taken. A CLV group stored at that moment would depend on the race between the two
 *   projections (the clv fit of that day may or may not exist yet during a rebuild).
 * - The CLV is the clv projection's served version's, as of the last whole UTC day that ended at or
 *   before the snapshot instant (a snapshot at midnight D reads day D-1): the latest stored fits as
 *   of that day or earlier, each customer's facts known by its end. So it is exactly what
 *   GET /customers/:id/clv?asOf=<that day> answers, it never uses a fact after the snapshot instant,
 *   and the daily snapshot uses the fit the same clock tick made (a tick passing midnight D fits as of D-1).
 *   A fit is itself made from the log (scheduled by the log clock) or on request, and is named in the answer.
 * - Customers the CLV does not cover (no purchase in the clv currency by the end of that day, e.g. a
 *   first purchase on the snapshot's own day, or one in another currency) keep their monetary group,
 *   named as such; the CLV score ranks the covered customers only (n = the covered customers).
 *   A customer whose first purchase came after the fit's calibration end is covered: he is scored
 *   with his own facts and the latest fit, as GET /customers/:id/clv does.
 * - Without a clv version, or without a fit as of that day, everyone keeps the monetary group, and
 *   the answer says why (`CLV.NOT_BUILT`, `CLV.NO_FIT`) rather than failing.
 */

/** Why a customer's group is the monetary one though the version asks for CLV. */
export type ValueGroupFallbackCode = 'CLV.NOT_BUILT' | 'CLV.NO_FIT' | 'CLV.NO_PURCHASE' | 'CLV.NOT_FINITE';

export interface ValueGroupFallback {
  readonly code: ValueGroupFallbackCode;
  readonly reason: string;
}

/** A fit as GET /customers/:id/clv names it, without its parameters. */
export type FitName = Omit<FitRef, 'params'>;

/** Where the CLV figures of a snapshot's value groups came from. */
export interface ClvSource {
  /** The clv projection version served. */
  readonly projectionVersion: number;
  /** The last day observed (YYYY-MM-DD, to its end): the last whole day before the snapshot instant. */
  readonly asOf: string;
  readonly currency: string;
  readonly horizon: ClvView['horizon'];
  readonly fits: { readonly transaction: FitName; readonly spend: FitName };
  /** n of the CLV score's rank rule: the snapshot's customers with a CLV. */
  readonly customersRanked: number;
}

/** How the value groups of one snapshot were worked out. */
export interface ValueGroupsBy {
  /** What the version's definition asks for. */
  readonly configured: ValueGroupBasis;
  /** Customers grouped by their CLV score. */
  readonly clv: number;
  /** Customers grouped by their M score (all of them under `by: monetary`). */
  readonly monetary: number;
  /** Under `by: clv`: why some (or all) customers are grouped by M, with how many. */
  readonly fallbacks: readonly (ValueGroupFallback & { readonly customers: number })[];
  readonly clvSource?: ClvSource;
}

/** The served groups of one snapshot. */
export interface ServedValueGroups {
  readonly by: ValueGroupsBy;
  /** The customers grouped by CLV; everyone else keeps the stored (monetary) group. */
  readonly byClv: ReadonlyMap<string, ClvValueGroup>;
  /** Why a customer of the snapshot is grouped by M under `by: clv`; undefined under `by: monetary` or when grouped by CLV. */
  fallbackOf(customerId: string): ValueGroupFallback | undefined;
}

/** The basis a snapshot's groups are said to have: clv when anyone was ranked by CLV. */
export const basisOf = (by: ValueGroupsBy): ValueGroupBasis => (by.clv > 0 ? 'clv' : 'monetary');

const DAY_MS = 86_400_000;

/** The last UTC day (YYYY-MM-DD) whose end is at or before the instant: midnight D gives D-1. */
export function clvDayBefore(instant: string): string {
  const lastDay = Math.floor((Date.parse(instant) + 1) / DAY_MS) - 1;
  return new Date(lastDay * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The definition a clv version was built from: the registered one, else the shipped default (the
 * engine's own lookup, apps/engine/src/clv/clv-definition.ts, does the same).
 */
async function clvDefinitionOf(db: DataSource | EntityManager, version: number): Promise<ClvDefinition> {
  const manager = 'manager' in db ? db.manager : db;
  const stored = (await readDefinitions(manager, clvFamily.name)).find((d) => d.version === version);
  return stored ? clvFamily.parseDefinition(stored.definition) : { ...clvFamily.defaultDefinition, version };
}

/** The served groups of the snapshot (version, asOf), which must be taken already. */
export async function servedValueGroups(ds: DataSource, version: number, asOf: string, definition: RfmDefinition): Promise<ServedValueGroups> {
  const rows: { customer_id: string }[] = await ds.query(`SELECT customer_id FROM rfm_snapshot WHERE as_of = $1 AND projection_version = $2`, [asOf, version]);
  const customers = rows.map((r) => r.customer_id);
  if (definition.valueGroups.by === 'monetary') {
    return { by: { configured: 'monetary', clv: 0, monetary: customers.length, fallbacks: [] }, byClv: new Map(), fallbackOf: () => undefined };
  }
  const everyone = (fallback: ValueGroupFallback): ServedValueGroups => ({
    by: { configured: 'clv', clv: 0, monetary: customers.length, fallbacks: customers.length === 0 ? [] : [{ ...fallback, customers: customers.length }] },
    byClv: new Map(),
    fallbackOf: () => fallback,
  });
  const clvVersion = await activeClvVersion(ds);
  if (clvVersion === null) return everyone({ code: 'CLV.NOT_BUILT', reason: 'the clv projection has no active version yet' });
  const day = clvDayBefore(asOf);
  let scored: ClvOfCustomers;
  try {
    scored = await clvOfCustomers(ds, clvVersion, await clvDefinitionOf(ds, clvVersion), day, customers);
  } catch (error) {
    if (error instanceof ClvNoFitError) return everyone({ code: 'CLV.NO_FIT', reason: `clv v${clvVersion}: ${error.message}` });
    throw error;
  }
  const ranked: { customerId: string; clv: number }[] = [];
  const noPurchase: ValueGroupFallback = { code: 'CLV.NO_PURCHASE', reason: `no purchase in ${scored.currency} by the end of ${day} in clv v${clvVersion}` };
  const notFinite: ValueGroupFallback = { code: 'CLV.NOT_FINITE', reason: `the CLV as of ${day} is not a finite number` };
  const fallback = new Map<string, ValueGroupFallback>();
  for (const customerId of customers) {
    const figures = scored.figures.get(customerId);
    if (figures === undefined) fallback.set(customerId, noPurchase);
    else if (!Number.isFinite(figures.clv)) fallback.set(customerId, notFinite);
    else ranked.push({ customerId, clv: figures.clv });
  }
  const byClv = new Map(clvValueGroups(ranked, definition).map((g) => [g.customerId, g]));
  const count = (f: ValueGroupFallback) => [...fallback.values()].filter((x) => x === f).length;
  const name = (ref: FitRef): FitName => ({ model: ref.model, asOf: ref.asOf, version: ref.version });
  return {
    by: {
      configured: 'clv',
      clv: byClv.size,
      monetary: fallback.size,
      fallbacks: [noPurchase, notFinite].map((f) => ({ ...f, customers: count(f) })).filter((f) => f.customers > 0),
      clvSource: {
        projectionVersion: clvVersion,
        asOf: day,
        currency: scored.currency,
        horizon: scored.horizon,
        fits: { transaction: name(scored.model.transaction), spend: name(scored.model.spend) },
        customersRanked: byClv.size,
      },
    },
    byClv,
    fallbackOf: (customerId) => fallback.get(customerId),
  };
}

/**
 * Remembers the served groups of a snapshot for `ttlMs`, for a caller that asks about many customers
 * of one snapshot in a row (the win-back host enrolling a day's dormant customers): under
 * `by: clv` each answer otherwise ranks the whole snapshot again. A fact that arrives meanwhile is
 * seen once the entry expires.
 */
export class ServedValueGroupsCache {
  private readonly entries = new Map<string, { at: number; served: Promise<ServedValueGroups> }>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = () => performance.now()) {}

  get(ds: DataSource, version: number, asOf: string, definition: RfmDefinition): Promise<ServedValueGroups> {
    const key = `${version}|${asOf}`;
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.served;
    for (const [k, e] of this.entries) if (this.now() - e.at >= this.ttlMs) this.entries.delete(k);
    const served = servedValueGroups(ds, version, asOf, definition);
    this.entries.set(key, { at: this.now(), served });
    served.catch(() => this.entries.delete(key));
    return served;
  }
}

/**
 * The CLV groups as SQL parameters ($n customer ids, $n+1 groups, $n+2 CLVs) for `servedSnapshot`.
 * Empty arrays leave every stored group as it is.
 */
export function servedGroupParameters(served: ServedValueGroups): [string[], string[], number[]] {
  const groups = [...served.byClv.values()];
  return [groups.map((g) => g.customerId), groups.map((g) => g.valueGroup), groups.map((g) => g.clv)];
}

/**
 * A snapshot's rows with the served value group (`served_group`), its basis and the CLV (null when
 * grouped by M): the stored row, its group replaced for the customers in the CLV arrays.
 * `asOf`, `version` and `groups` are parameter numbers; `groups` is the first of the three arrays.
 */
export function servedSnapshot(asOf: number, version: number, groups: number): string {
  return `(SELECT s.*, coalesce(o.value_group, s.value_group) AS served_group,
                  CASE WHEN o.customer_id IS NULL THEN 'monetary' ELSE 'clv' END AS basis, o.clv
             FROM rfm_snapshot s
             LEFT JOIN unnest($${groups}::text[], $${groups + 1}::text[], $${groups + 2}::float8[]) AS o(customer_id, value_group, clv) ON o.customer_id = s.customer_id
            WHERE s.as_of = $${asOf} AND s.projection_version = $${version})`;
}
