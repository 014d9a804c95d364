import type { ProjectionFamily } from '@lifecycle/read-store';
import { type LoyaltyDefinition, parseLoyaltyDefinition } from './loyalty-definition';
import { pointsDiff } from './points.diff';
import { POINTS } from './points.projection';
import { createPointsProjection, defaultPointsDefinition, pointsReadModel } from './points.read-model';

/** The points projection as a family of rule versions (projections/families.ts). */
export const pointsFamily: ProjectionFamily<LoyaltyDefinition> = {
  name: POINTS,
  parseDefinition: (raw) => parseLoyaltyDefinition(raw, POINTS),
  defaultDefinition: defaultPointsDefinition,
  create: createPointsProjection,
  readModel: pointsReadModel,
  diff: pointsDiff,
};
