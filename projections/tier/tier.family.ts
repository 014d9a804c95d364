import type { ProjectionFamily } from '@lifecycle/read-store';
import { type LoyaltyDefinition, parseLoyaltyDefinition } from '../points/loyalty-definition';
import { tierDiff } from './tier.diff';
import { TIER } from './tier.projection';
import { createTierProjection, defaultTierDefinition, tierReadModel } from './tier.read-model';

/** The tier projection as a family of rule versions (projections/families.ts). */
export const tierFamily: ProjectionFamily<LoyaltyDefinition> = {
  name: TIER,
  parseDefinition: (raw) => parseLoyaltyDefinition(raw, TIER),
  defaultDefinition: defaultTierDefinition,
  create: createTierProjection,
  readModel: tierReadModel,
  diff: tierDiff,
};
