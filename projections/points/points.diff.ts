import type { DataSource } from 'typeorm';
import { pointsView } from '@lifecycle/domain';
import type { ProjectionDiff } from '@lifecycle/read-store';
import { replaysOf, type VersionInfo, versionInfo } from './loyalty-replay.read-model';
import { POINTS } from './points.projection';

/** A version asked for that has built no rows (not registered, or not started). */
export class VersionNotBuiltError extends Error {
  readonly code = 'PROJECTION.VERSION_NOT_BUILT';
  constructor(readonly projection: string, readonly version: number) {
    super(`${projection} v${version} has no rows: build it first (lifecycle projections rebuild ${projection} --definition <file>)`);
    this.name = 'VersionNotBuiltError';
  }
}

export async function builtVersion(ds: DataSource, projection: string, table: string, version: number): Promise<VersionInfo> {
  const info = await versionInfo(ds, projection, table, version);
  if (!info) throw new VersionNotBuiltError(projection, version);
  return info;
}

/**
 * What switching the points from one rule version to another would change, as of `asOf` (default:
 * each version's own latest instant): the outstanding points (the liability) and the points the
 * rules leave recorded redemptions short of, the customers whose balance changes, and a
 * from-band x to-band matrix of balances.
 */
export async function pointsDiff(ds: DataSource, from: number, to: number, asOf?: string): Promise<ProjectionDiff> {
  const [a, b] = [await builtVersion(ds, POINTS, 'points', from), await builtVersion(ds, POINTS, 'points', to)];
  const [before, after] = [await balances(ds, a, asOf), await balances(ds, b, asOf)];
  const cells = new Map<string, { from: string | null; to: string | null; customers: number }>();
  let changed = 0;
  for (const id of new Set([...before.byCustomer.keys(), ...after.byCustomer.keys()])) {
    const [x, y] = [before.byCustomer.get(id), after.byCustomer.get(id)];
    if (x !== y) changed++;
    const cell = { from: x === undefined ? null : band(x), to: y === undefined ? null : band(y) };
    const key = `${cell.from}\u0000${cell.to}`;
    cells.set(key, { ...cell, customers: (cells.get(key)?.customers ?? 0) + 1 });
  }
  return {
    projection: POINTS,
    from,
    to,
    ...(asOf !== undefined && { asOf }),
    matrices: [{ dimension: 'points balance', cells: [...cells.values()].sort(byBands) }],
    totals: [
      { measure: 'outstanding points', from: before.outstanding, to: after.outstanding },
      { measure: 'customers holding points', from: before.holders, to: after.holders },
      { measure: 'points short for recorded redemptions', from: before.shortfall, to: after.shortfall },
      // How many customers see another balance: none when comparing a version with itself.
      { measure: 'customers whose balance changes', from: 0, to: changed },
    ],
  };
}

const balances = async (ds: DataSource, info: VersionInfo, asOf: string | undefined) => {
  const at = asOf ?? info.clock!;
  const byCustomer = new Map<string, number>();
  let outstanding = 0;
  let holders = 0;
  let shortfall = 0;
  for await (const { customerId, replay } of replaysOf(ds, 'points', info.version)) {
    const { balance } = pointsView(replay.state, at, info.rules);
    byCustomer.set(customerId, balance);
    outstanding += balance;
    if (balance !== 0) holders++;
    shortfall += replay.shortfall.points;
  }
  return { byCustomer, outstanding, holders, shortfall };
};

const BANDS = ['negative', '0', '1-99', '100-999', '1000-9999', '10000+'];

const band = (points: number): string =>
  points < 0 ? 'negative' : points === 0 ? '0' : points < 100 ? '1-99' : points < 1000 ? '100-999' : points < 10_000 ? '1000-9999' : '10000+';

const rank = (b: string | null) => (b === null ? -1 : BANDS.indexOf(b));
const byBands = (x: { from: string | null; to: string | null }, y: { from: string | null; to: string | null }) =>
  rank(x.from) - rank(y.from) || rank(x.to) - rank(y.to);
