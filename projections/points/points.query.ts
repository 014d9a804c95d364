import type { DataSource, EntityManager } from 'typeorm';
import { type LiabilityContribution, type PointsLiability, type PointsView, pointsView, sumLiability } from '@lifecycle/domain';
import { replayOf, replaysOf, versionInfo } from './loyalty-replay.read-model';
import { POINTS } from './points.projection';

export interface PointsOfView extends PointsView {
  /** The projection version answering, and the rules version its rows were derived under. */
  readonly version: number;
  readonly rulesVersion: string;
  readonly lifetime: { readonly earned: number; readonly redeemed: number; readonly expired: number; readonly clawedBack: number; readonly adjusted: number };
  /** Recorded redemptions and debits these rules left short of points (none under the live rules). */
  readonly shortfall: { readonly movements: number; readonly points: number };
}

type Db = DataSource | EntityManager;

/**
 * A customer's points as of `asOf` (default: the latest instant the log has shown the served
 * version): balance, lots with their expiry, points expiring within the warning days (30), and the
 * lifetime totals of the derived ledger. Null when the version has no row for the customer.
 */
export async function pointsOf(db: Db, customerId: string, asOf?: string, version?: number): Promise<PointsOfView | null> {
  const info = await versionInfo(db, POINTS, 'points', version);
  if (!info) return null;
  const replay = await replayOf(db, 'points', info.version, customerId);
  if (!replay) return null;
  const at = asOf ?? info.clock!;
  const { totals } = replay.state.loyalty.ledger;
  return {
    ...pointsView(replay.state, at, info.rules),
    version: info.version,
    rulesVersion: info.rules.version,
    lifetime: { earned: totals.earned, redeemed: totals.redeemed, expired: totals.expired, clawedBack: totals.clawedBack, adjusted: totals.adjusted },
    shortfall: replay.shortfall,
  };
}

export interface OutstandingPoints extends PointsLiability {
  readonly version: number;
}

/**
 * Points outstanding over every customer as of `asOf` (default: the version's latest instant), per
 * currency with their value at the rules' point value: the liability, from the same per-customer
 * views as `pointsOf`, so it reconciles with the sum of the balances.
 */
export async function outstandingPoints(db: Db, asOf?: string, version?: number): Promise<OutstandingPoints | null> {
  const info = await versionInfo(db, POINTS, 'points', version);
  if (!info) return null;
  const at = asOf ?? info.clock!;
  const contributions: LiabilityContribution[] = [];
  for await (const { replay } of replaysOf(db, 'points', info.version)) {
    const view = pointsView(replay.state, at, info.rules);
    contributions.push({ currency: view.currency, outstanding: view.outstanding, debt: view.debt, balance: view.balance });
  }
  return { ...sumLiability(contributions, at, info.rules), version: info.version };
}
