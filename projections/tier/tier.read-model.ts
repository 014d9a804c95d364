import { join } from 'node:path';
import type { ProjectionDefinition } from '@lifecycle/read-store';
// The points and tier read models share the replay machinery and the definition schema (projections/points).
import { type LoyaltyDefinition, readLoyaltyDefinition } from '../points/loyalty-definition';
import { replayProjection, type ReplayTable } from '../points/loyalty-replay.read-model';
import { CustomerTier, TierVersion } from './tier.entity';
import { Tier1767225608000 } from './tier.migrations';
import { summarizeTier, TIER, TIER_HANDLES, type TierRow } from './tier.projection';

export const TIER_TABLE: ReplayTable<TierRow> = {
  projection: TIER,
  table: 'tier',
  scope: 'tier',
  handles: TIER_HANDLES,
  summarize: summarizeTier,
  columns: [
    { name: 'tier', type: 'text', value: (r) => r.tier },
    { name: 'since', type: 'timestamptz', value: (r) => r.since },
    { name: 'next_review_at', type: 'timestamptz', value: (r) => r.nextReviewAt },
    { name: 'history', type: 'jsonb', value: (r) => r.history },
    { name: 'currency', type: 'text', value: (r) => r.currency },
  ],
};

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
