import type { DataSource, EntityManager } from 'typeorm';
import { canonicalInstant, parseInstant, parseRfmDefinition, type RfmDefinition, type ValueGroupBasis, VALUE_GROUPS } from '@lifecycle/domain';
import type { ProjectionDiff } from '@lifecycle/read-store';
import { RFM } from './rfm.projection';
import { LOCK_RFM_SNAPSHOTS, TAKE_RFM_SNAPSHOT, scoringParameters } from './rfm.scoring.sql';
import {
  basisOf, type ClvSource, type ServedValueGroups, type ServedValueGroupsCache, servedGroupParameters, servedSnapshot, servedValueGroups, type ValueGroupFallback,
  type ValueGroupsBy,
} from './rfm.value-groups';

export type { ClvSource, ValueGroupFallback, ValueGroupsBy } from './rfm.value-groups';
export { ServedValueGroupsCache } from './rfm.value-groups';

/**
 * The questions analysts ask of RFM, as of any instant: one customer's segment, the whole
 * population's distribution, migration between two dates, and what a new version would change.
 * Each reads a dated snapshot of the served version and takes it first when it is not stored yet
 * (on demand), so asking twice costs one scoring.
 */

export class InvalidAsOfError extends Error {
  readonly code = 'RFM.INVALID_AS_OF';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field} must be an ISO-8601 date or instant (got ${JSON.stringify(value)})`);
    this.name = 'InvalidAsOfError';
  }
}

/** `2011-12-01` (midnight UTC) or a full instant, as the canonical instant; throws naming the field. */
export function parseAsOf(value: unknown, field = 'asOf'): string {
  const ms = parseInstant(value);
  if (ms === undefined) throw new InvalidAsOfError(field, value);
  return canonicalInstant(ms);
}

export interface CustomerSegmentView {
  readonly customerId: string;
  readonly asOf: string;
  readonly projectionVersion: number;
  readonly recencyDays: number;
  readonly frequency: number;
  /** Net revenue in the window, integer minor units as a decimal string. */
  readonly monetary: string;
  readonly scores: { readonly r: number; readonly f: number; readonly m: number };
  readonly segment: string;
  readonly valueGroup: string;
  /** What gave the value group: the M score, or the CLV score (definition `valueGroups.by: clv`). */
  readonly valueGroupBasis: ValueGroupBasis;
  /** Under `by: clv`, when the group is the monetary one: why (no clv version, no fit, no CLV for this customer). */
  readonly valueGroupFallback?: ValueGroupFallback;
  /** Under `by: clv`, when the group is the CLV one: the customer's CLV, its score and where it came from. */
  readonly clv?: CustomerClvView;
}

export interface CustomerClvView extends Omit<ClvSource, 'customersRanked'> {
  /** The predicted CLV over the horizon, in `currency` major units (GET /customers/:id/clv's `clv`). */
  readonly value: number;
  /** 1..bins: floor(bins * (rank - 1) / n) + 1 by the CLV's RANK() ascending, n = customersRanked. */
  readonly score: number;
  readonly customersRanked: number;
}

export interface SegmentShare {
  readonly name: string;
  readonly customers: number;
  /** customers / all scored customers, 0..1 */
  readonly share: number;
  readonly meanR: number;
  readonly meanF: number;
  readonly meanM: number;
  readonly meanRecencyDays: number;
  readonly meanFrequency: number;
  /** Mean net revenue per customer in the window, minor units (rounded half away from zero). */
  readonly meanMonetary: number;
  /** Their net revenue in the window, minor units as a decimal string. */
  readonly monetary: string;
  /** Value-group rows only: what gave these customers their group (a group can have a row of each). */
  readonly basis?: ValueGroupBasis;
  /** Value-group rows by CLV: their mean predicted CLV, in the clv currency's major units. */
  readonly meanClv?: number;
}

export interface SegmentDistribution {
  readonly asOf: string;
  readonly projectionVersion: number | null;
  readonly windowDays: number | null;
  readonly customers: number;
  readonly segments: readonly SegmentShare[];
  readonly valueGroups: readonly SegmentShare[];
  /** clv when the groups come from CLV scores (`valueGroups.by: clv` and a fit as of the instant), else monetary. */
  readonly valueGroupBasis: ValueGroupBasis;
  /** How many customers each basis grouped, why any fell back to M, and the CLV's source. null: nothing built. */
  readonly valueGroupsBy: ValueGroupsBy | null;
}

export interface SegmentMigration {
  readonly from: string;
  readonly to: string;
  readonly projectionVersion: number | null;
  /** Non-zero cells; null: not scored at that date (no purchase in the window). */
  readonly cells: readonly { readonly from: string | null; readonly to: string | null; readonly customers: number }[];
  /** From-group x to-group counts of the value groups as served at each date (same null rule). */
  readonly valueGroupCells: readonly { readonly from: string | null; readonly to: string | null; readonly customers: number }[];
  /** What gave the value groups at each date (null: nothing built). */
  readonly valueGroupsBy: { readonly from: ValueGroupsBy | null; readonly to: ValueGroupsBy | null };
}

type Db = DataSource;

/** The version readers are served (the active checkpoint), or null before the runner started. */
export async function activeRfmVersion(db: Db | EntityManager): Promise<number | null> {
  const rows: { version: number }[] = await db.query(`SELECT version FROM projection_checkpoints WHERE projection = $1 AND active`, [RFM]);
  return rows[0]?.version ?? null;
}

/** The rules a version was built with, or null when it has not applied a batch yet. */
export async function rfmDefinitionOf(db: Db | EntityManager, version: number): Promise<RfmDefinition | null> {
  const rows: { definition: unknown }[] = await db.query(`SELECT definition FROM rfm_version WHERE projection_version = $1`, [version]);
  return rows.length === 0 ? null : parseRfmDefinition(rows[0]!.definition);
}

/** Takes the snapshot of (version, asOf) unless it is stored; returns the version's rules (null: nothing built yet). */
export async function ensureRfmSnapshot(ds: DataSource, version: number, asOf: string): Promise<RfmDefinition | null> {
  const definition = await rfmDefinitionOf(ds, version);
  if (definition === null) return null;
  if (await snapshotTaken(ds, version, asOf)) return definition;
  // PGlite is one connection: inside this transaction only its manager may touch the database.
  await ds.transaction(async (manager) => {
    await manager.query(LOCK_RFM_SNAPSHOTS, [version]);
    if (await snapshotTaken(manager, version, asOf)) return;
    await manager.query(TAKE_RFM_SNAPSHOT, [...scoringParameters(version, asOf, definition), 'query']);
  });
  return definition;
}

async function snapshotTaken(db: Db | EntityManager, version: number, asOf: string): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM rfm_snapshot_taken WHERE projection_version = $1 AND as_of = $2`, [version, asOf]);
  return rows.length > 0;
}

/** One customer's RFM as of an instant in the served version; null when they had no purchase in the window. */
export async function segmentOf(
  ds: DataSource, customerId: string, asOf: string, version?: number, cache?: ServedValueGroupsCache,
): Promise<CustomerSegmentView | null> {
  const v = version ?? (await activeRfmVersion(ds));
  const definition = v === null ? null : await ensureRfmSnapshot(ds, v, asOf);
  if (v === null || definition === null) return null;
  const rows: SnapshotRow[] = await ds.query(
    `SELECT customer_id, recency_days, frequency, monetary::text AS monetary, r, f, m, segment, value_group
       FROM rfm_snapshot WHERE as_of = $1 AND customer_id = $2 AND projection_version = $3`,
    [asOf, customerId, v],
  );
  const row = rows[0];
  if (!row) return null;
  const view = {
    customerId: row.customer_id,
    asOf,
    projectionVersion: v,
    recencyDays: row.recency_days,
    frequency: row.frequency,
    monetary: row.monetary,
    scores: { r: row.r, f: row.f, m: row.m },
    segment: row.segment,
  };
  if (definition.valueGroups.by === 'monetary') return { ...view, valueGroup: row.value_group, valueGroupBasis: 'monetary' };
  // The CLV score is a rank: it needs the whole snapshot's CLVs, not this customer's alone.
  const served = await (cache ? cache.get(ds, v, asOf, definition) : servedValueGroups(ds, v, asOf, definition));
  const byClv = served.byClv.get(customerId);
  if (byClv === undefined) return { ...view, valueGroup: row.value_group, valueGroupBasis: 'monetary', valueGroupFallback: served.fallbackOf(customerId)! };
  const { customersRanked, ...source } = served.by.clvSource!;
  return { ...view, valueGroup: byClv.valueGroup, valueGroupBasis: 'clv', clv: { value: byClv.clv, score: byClv.score, customersRanked, ...source } };
}

interface SnapshotRow {
  customer_id: string;
  recency_days: number;
  frequency: number;
  monetary: string;
  r: number;
  f: number;
  m: number;
  segment: string;
  value_group: string;
}

/** The whole population as of an instant: customers, share and means per segment and per value group. */
export async function segmentDistribution(ds: DataSource, asOf: string, version?: number): Promise<SegmentDistribution> {
  const v = version ?? (await activeRfmVersion(ds));
  const definition = v === null ? null : await ensureRfmSnapshot(ds, v, asOf);
  if (v === null || definition === null) {
    return { asOf, projectionVersion: v, windowDays: null, customers: 0, segments: [], valueGroups: [], valueGroupBasis: 'monetary', valueGroupsBy: null };
  }
  const served = await servedValueGroups(ds, v, asOf, definition);
  const group = async (grouping: 'segment' | 'served_group, basis') => {
    const rows: GroupRow[] = await ds.query(
      `SELECT ${grouping === 'segment' ? 'segment AS name, NULL AS basis' : 'served_group AS name, basis'},
              count(*)::int AS customers, avg(r)::float8 AS r, avg(f)::float8 AS f, avg(m)::float8 AS m,
              avg(recency_days)::float8 AS recency_days, avg(frequency)::float8 AS frequency,
              round(avg(monetary))::text AS mean_monetary, sum(monetary)::text AS monetary,
              ${grouping === 'segment' ? 'NULL::float8' : 'avg(clv)::float8'} AS mean_clv
         FROM ${servedSnapshot(1, 2, 3)} s GROUP BY ${grouping}`,
      [asOf, v, ...servedGroupParameters(served)],
    );
    return rows;
  };
  const segmentRows = await group('segment');
  const groupRows = await group('served_group, basis');
  const customers = segmentRows.reduce((sum, row) => sum + row.customers, 0);
  const share = (row: GroupRow): SegmentShare => ({
    name: row.name,
    customers: row.customers,
    share: customers === 0 ? 0 : row.customers / customers,
    meanR: row.r,
    meanF: row.f,
    meanM: row.m,
    meanRecencyDays: row.recency_days,
    meanFrequency: row.frequency,
    meanMonetary: Number(row.mean_monetary),
    monetary: row.monetary,
    ...(row.basis !== null && { basis: row.basis }),
    ...(row.mean_clv !== null && { meanClv: row.mean_clv }),
  });
  // The map's order (best first), then the value groups high, mid, low (by CLV before by M within a group).
  const segmentOrder = [...new Set(definition.segments.rules.map((rule) => rule.segment))];
  const byOrder = (order: readonly string[]) => (a: GroupRow, b: GroupRow) => order.indexOf(a.name) - order.indexOf(b.name) || (a.basis === 'clv' ? -1 : b.basis === 'clv' ? 1 : 0);
  return {
    asOf,
    projectionVersion: v,
    windowDays: definition.windowDays,
    customers,
    segments: segmentRows.sort(byOrder(segmentOrder)).map(share),
    valueGroups: groupRows.sort(byOrder(VALUE_GROUPS)).map(share),
    valueGroupBasis: basisOf(served.by),
    valueGroupsBy: served.by,
  };
}

interface GroupRow {
  name: string;
  customers: number;
  r: number;
  f: number;
  m: number;
  recency_days: number;
  frequency: number;
  mean_monetary: string;
  monetary: string;
  basis: ValueGroupBasis | null;
  mean_clv: number | null;
}

/** From-segment x to-segment counts between two dates, in the served version. */
export async function segmentMigration(ds: DataSource, from: string, to: string, version?: number): Promise<SegmentMigration> {
  const v = version ?? (await activeRfmVersion(ds));
  const definition = v === null ? null : await ensureRfmSnapshot(ds, v, from);
  if (v === null || definition === null) return { from, to, projectionVersion: v, cells: [], valueGroupCells: [], valueGroupsBy: { from: null, to: null } };
  await ensureRfmSnapshot(ds, v, to);
  const a = { asOf: from, version: v, served: await servedValueGroups(ds, v, from, definition) };
  const b = { asOf: to, version: v, served: await servedValueGroups(ds, v, to, definition) };
  return {
    from,
    to,
    projectionVersion: v,
    cells: await transitions(ds, 'segment', a, b),
    valueGroupCells: await transitions(ds, 'served_group', a, b),
    valueGroupsBy: { from: a.served.by, to: b.served.by },
  };
}

interface ServedSnapshot {
  readonly asOf: string;
  readonly version: number;
  readonly served: ServedValueGroups;
}

/** Cells of the segment or value-group matrix between two snapshots; full join, so arrivals and departures count under null. */
async function transitions(ds: DataSource, column: 'segment' | 'served_group', a: ServedSnapshot, b: ServedSnapshot) {
  const rows: { from: string | null; to: string | null; customers: number }[] = await ds.query(
    `SELECT a.${column} AS "from", b.${column} AS "to", count(*)::int AS customers
       FROM ${servedSnapshot(1, 2, 3)} a
       FULL JOIN ${servedSnapshot(6, 7, 8)} b ON a.customer_id = b.customer_id
      GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST`,
    [a.asOf, a.version, ...servedGroupParameters(a.served), b.asOf, b.version, ...servedGroupParameters(b.served)],
  );
  return rows;
}

/**
 * What switching from one built version to another would change at one instant: the segment and the
 * value-group matrices, and the customers scored. Without `asOf`, the latest fact either version holds.
 */
export async function rfmDiff(ds: DataSource, from: number, to: number, asOf?: string): Promise<RfmDiff> {
  const at = asOf ?? (await latestFactTime(ds, [from, to]));
  if (at === null) return { projection: RFM, from, to, matrices: [], totals: [], valueGroupsBy: { from: null, to: null } };
  const served = async (version: number): Promise<ServedSnapshot | null> => {
    const definition = await ensureRfmSnapshot(ds, version, at);
    return definition === null ? null : { asOf: at, version, served: await servedValueGroups(ds, version, at, definition) };
  };
  // A version that has applied nothing yet has no rules stored: an empty snapshot, grouped by M.
  const none = (version: number): ServedSnapshot => ({
    asOf: at,
    version,
    served: { by: { configured: 'monetary', clv: 0, monetary: 0, fallbacks: [] }, byClv: new Map(), fallbackOf: () => undefined },
  });
  const a = (await served(from)) ?? none(from);
  const b = (await served(to)) ?? none(to);
  const counted: { version: number; customers: number }[] = await ds.query(
    `SELECT projection_version AS version, customers FROM rfm_snapshot_taken WHERE as_of = $1 AND projection_version = ANY($2::int[])`,
    [at, [from, to]],
  );
  const scored = (v: number) => counted.find((row) => row.version === v)?.customers ?? 0;
  return {
    projection: RFM,
    from,
    to,
    asOf: at,
    matrices: [
      { dimension: 'segment', cells: await transitions(ds, 'segment', a, b) },
      { dimension: 'value group', cells: await transitions(ds, 'served_group', a, b) },
    ],
    totals: [
      { measure: 'customers scored', from: scored(from), to: scored(to) },
      // Which basis gave the value groups, when either version asks for CLV (one that fell back to M for want of a fit shows here).
      ...(a.served.by.configured === 'clv' || b.served.by.configured === 'clv'
        ? [
            { measure: 'value group by clv', from: a.served.by.clv, to: b.served.by.clv },
            { measure: 'value group by monetary', from: a.served.by.monetary, to: b.served.by.monetary },
          ]
        : []),
    ],
    valueGroupsBy: { from: a.served.by, to: b.served.by },
  };
}

/** The family's diff, plus what gave each version's value groups (and why one fell back to M). */
export interface RfmDiff extends ProjectionDiff {
  readonly valueGroupsBy: { readonly from: ValueGroupsBy | null; readonly to: ValueGroupsBy | null };
}

async function latestFactTime(ds: DataSource, versions: readonly number[]): Promise<string | null> {
  const rows: { at: Date | string | null }[] = await ds.query(
    `SELECT max(occurred_at) AS at FROM rfm_purchase WHERE projection_version = ANY($1::int[])`,
    [versions],
  );
  const at = rows[0]?.at ?? null;
  return at === null ? null : new Date(at).toISOString();
}
