import type { DataSource, EntityManager } from 'typeorm';
import { type TierView, tierView } from '@lifecycle/domain';
import { replayOf, versionInfo } from '../points/loyalty-replay.read-model';
import { TIER } from './tier.projection';

export interface TierOfView extends TierView {
  /** The projection version answering, and the rules version its rows were derived under. */
  readonly version: number;
  readonly rulesVersion: string;
}

/**
 * A customer's tier as of `asOf` (default: the latest instant the log has shown the served version):
 * the tier held then and since when, the rolling window's net spend and orders, and how far they are
 * from the next tier. Null when the version has no row for the customer.
 */
export async function tierOf(db: DataSource | EntityManager, customerId: string, asOf?: string, version?: number): Promise<TierOfView | null> {
  const info = await versionInfo(db, TIER, 'tier', version);
  if (!info) return null;
  const replay = await replayOf(db, 'tier', info.version, customerId);
  if (!replay) return null;
  return { ...tierView(replay.state, asOf ?? info.clock!, info.rules), version: info.version, rulesVersion: info.rules.version };
}
