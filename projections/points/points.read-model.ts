import { join } from 'node:path';
import type { ProjectionDefinition } from '@lifecycle/read-store';
import { type LoyaltyDefinition, readLoyaltyDefinition } from './loyalty-definition';
import { replayProjection, type ReplayTable } from './loyalty-replay.read-model';
import { PointsBalance, PointsVersion } from './points.entity';
import { Points1767225607000 } from './points.migrations';
import { POINTS, POINTS_HANDLES, type PointsRow, summarizePoints } from './points.projection';

export const POINTS_TABLE: ReplayTable<PointsRow> = {
  projection: POINTS,
  table: 'points',
  scope: 'points',
  handles: POINTS_HANDLES,
  summarize: summarizePoints,
  columns: [
    { name: 'currency', type: 'text', value: (r) => r.currency },
    { name: 'balance', type: 'int8', value: (r) => r.balance },
    { name: 'outstanding', type: 'int8', value: (r) => r.outstanding },
    { name: 'debt', type: 'int8', value: (r) => r.debt },
    { name: 'earned', type: 'int8', value: (r) => r.earned },
    { name: 'redeemed', type: 'int8', value: (r) => r.redeemed },
    { name: 'expired', type: 'int8', value: (r) => r.expired },
    { name: 'clawed_back', type: 'int8', value: (r) => r.clawedBack },
    { name: 'adjusted', type: 'int8', value: (r) => r.adjusted },
    { name: 'shortfall_movements', type: 'int8', value: (r) => r.shortfallMovements },
    { name: 'shortfall_points', type: 'int8', value: (r) => r.shortfallPoints },
    { name: 'lots', type: 'jsonb', value: (r) => r.lots },
  ],
};

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
