import { cyrb53 } from '@lifecycle/domain';

/**
 * Deterministic holdout: the same (campaign, customer) always lands in the same group, in any
 * process, in a replay and in a simulation, without storing a random draw: cyrb53 (the domain's
 * digest hash) of the two ids, mapped to [0, 1).
 */
export type HoldoutGroup = 'treated' | 'control';

export function holdoutGroup(campaignId: string, customerId: string, holdoutShare: number): HoldoutGroup {
  return holdoutPoint(campaignId, customerId) < holdoutShare ? 'control' : 'treated';
}

/** The customer's point in [0, 1) for this campaign. */
export function holdoutPoint(campaignId: string, customerId: string): number {
  return cyrb53(`${campaignId}\u0000${customerId}`) / 2 ** 53;
}
