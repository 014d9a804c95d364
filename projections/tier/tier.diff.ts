import type { DataSource } from 'typeorm';
import type { ProjectionDiff } from '@lifecycle/read-store';
import { builtVersion } from '../points/points.diff';
import type { VersionInfo } from '../points/loyalty-replay.read-model';
import { tierAt, TIER, type TierRow } from './tier.projection';

/**
 * What switching tiers from one rule version to another would change, as of `asOf` (default: each
 * version's own latest instant): a from-tier x to-tier matrix of customers, and the customers per
 * tier on each side. Read from the stored histories, without decoding the replays.
 */
export async function tierDiff(ds: DataSource, from: number, to: number, asOf?: string): Promise<ProjectionDiff> {
  const [a, b] = [await builtVersion(ds, TIER, 'tier', from), await builtVersion(ds, TIER, 'tier', to)];
  const [before, after] = [await tiers(ds, a, asOf), await tiers(ds, b, asOf)];
  const cells = new Map<string, { from: string | null; to: string | null; customers: number }>();
  let changed = 0;
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const cell = { from: before.get(id) ?? null, to: after.get(id) ?? null };
    if (cell.from !== cell.to) changed++;
    const key = `${cell.from}\u0000${cell.to}`;
    cells.set(key, { ...cell, customers: (cells.get(key)?.customers ?? 0) + 1 });
  }
  const order = [...a.rules.tiers, ...b.rules.tiers].map((t) => t.name);
  const rank = (name: string | null) => (name === null ? -1 : order.indexOf(name));
  const count = (m: Map<string, string>, name: string) => [...m.values()].filter((t) => t === name).length;
  return {
    projection: TIER,
    from,
    to,
    ...(asOf !== undefined && { asOf }),
    matrices: [{ dimension: 'tier', cells: [...cells.values()].sort((x, y) => rank(x.from) - rank(y.from) || rank(x.to) - rank(y.to)) }],
    totals: [
      ...[...new Set(order)].map((name) => ({ measure: `customers in ${name}`, from: count(before, name), to: count(after, name) })),
      { measure: 'customers whose tier changes', from: 0, to: changed },
    ],
  };
}

const tiers = async (ds: DataSource, info: VersionInfo, asOf: string | undefined): Promise<Map<string, string>> => {
  const at = asOf ?? info.clock!;
  const rows = (await ds.query(`SELECT customer_id, history FROM tier WHERE projection_version = $1`, [info.version])) as {
    customer_id: string; history: TierRow['history'] | string;
  }[];
  return new Map(rows.map((r) => [r.customer_id, tierAt(typeof r.history === 'string' ? JSON.parse(r.history) : r.history, at, info.rules)]));
};
