import { join } from 'node:path';
import type { ProjectionDefinition } from '@lifecycle/read-store';
// The points and tier read models share the replay machinery and the definition schema (projections/points).
import { type LoyaltyDefinition, readLoyaltyDefinition } from '../points/loyalty-definition';
import { replayProjection } from '../points/loyalty-replay.read-model';
import { CustomerTier, TierVersion } from './tier.entity';
import { Tier1767225608000 } from './tier.migrations';
import { TIER, TIER_TABLE } from './tier.projection';

/** Version 1: the live rules (a spec keeps them equal to config/loyalty-rules.yaml). */
export const TIER_DEFINITION_FILE = join(__dirname, 'tier.definition.yaml');
export const defaultTierDefinition: LoyaltyDefinition = readLoyaltyDefinition(TIER_DEFINITION_FILE, TIER);

export const createTierProjection = (definition: LoyaltyDefinition): ProjectionDefinition =>
  replayProjection(TIER_TABLE, definition.version, definition.rules);

export const tierProjection = createTierProjection(defaultTierDefinition);

export const tierReadModel = {
  entities: [CustomerTier, TierVersion],
  migrations: [Tier1767225608000],
};
