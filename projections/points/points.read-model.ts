import { join } from 'node:path';
import type { ProjectionDefinition } from '@lifecycle/read-store';
import { type LoyaltyDefinition, readLoyaltyDefinition } from './loyalty-definition';
import { replayProjection } from './loyalty-replay.read-model';
import { PointsBalance, PointsVersion } from './points.entity';
import { Points1767225607000 } from './points.migrations';
import { POINTS, POINTS_TABLE } from './points.projection';

/** Version 1: the live rules (a spec keeps them equal to config/loyalty-rules.yaml). */
export const POINTS_DEFINITION_FILE = join(__dirname, 'points.definition.yaml');
export const defaultPointsDefinition: LoyaltyDefinition = readLoyaltyDefinition(POINTS_DEFINITION_FILE, POINTS);

export const createPointsProjection = (definition: LoyaltyDefinition): ProjectionDefinition =>
  replayProjection(POINTS_TABLE, definition.version, definition.rules);

export const pointsProjection = createPointsProjection(defaultPointsDefinition);

export const pointsReadModel = {
  entities: [PointsBalance, PointsVersion],
  migrations: [Points1767225607000],
};
