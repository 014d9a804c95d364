import type { ProjectionDefinition, ReadModels } from '@lifecycle/read-store';
import { INTEGRATION_OUTBOX_TABLES } from '@lifecycle/messaging/integration-events';
import { customerSummaryProjection } from './customer-summary/customer-summary.read-model';
import { PROJECTION_FAMILIES } from './families';

export { customerSummary, type CustomerSummaryView, type MoneyView } from './customer-summary/customer-summary.query';
export { customerSummaryProjection } from './customer-summary/customer-summary.read-model';
// RFM as of any instant (dated snapshots of the served version, taken on demand).
export {
  type CustomerSegmentView, InvalidAsOfError, parseAsOf, type SegmentDistribution, type SegmentMigration, type SegmentShare,
  segmentDistribution, segmentMigration, segmentOf, ServedValueGroupsCache,
} from './rfm/rfm.query';
export { rfmFamily } from './rfm/rfm.family';
// Lifecycle stages as of any instant (transitions of the served version; past the log clock, what time alone does).
export {
  activeLifecycleVersion, type LifecycleDistribution, lifecycleDistribution, lifecycleOf, type LifecycleView, type PAliveProvider,
} from './lifecycle/lifecycle.query';
export { lifecycleFamily } from './lifecycle/lifecycle.family';
// Points and tiers derived under a version's loyalty rules, as of any instant (projections/points, projections/tier).
export { outstandingPoints, type OutstandingPoints, pointsOf, type PointsOfView } from './points/points.query';
export { pointsFamily } from './points/points.family';
export { tierOf, type TierOfView } from './tier/tier.query';
export { tierFamily } from './tier/tier.family';
export { clvFamily } from './clv/clv.family';
export { clvOf, type ClvView, ClvNoFitError, ClvNotBuiltError, fitAndStore, type StoredFit } from './clv/clv.query';

/** Every projection the engine hosts, in the versions it builds and serves. */
export const PROJECTIONS: readonly ProjectionDefinition[] = [customerSummaryProjection];

export { PROJECTION_FAMILIES } from './families';
export { type FoldThreadMode, setFoldThreadMode, startFoldThread, stopFoldThread } from './fold-thread/fold-thread';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity and migration classes
const classes = (list: ReadModels['entities']): Function[] => (Array.isArray(list) ? list : Object.values(list));

/**
 * Every family's tables (customer-summary is one of the families): what `openEmbeddedReadStore` /
 * `openPostgresReadStore` are given. A class listed by two families is listed once.
 */
export const READ_MODELS: ReadModels = {
  entities: [...new Set(PROJECTION_FAMILIES.flatMap((f) => classes(f.readModel.entities)))],
  // The integration publisher's checkpoint and per-customer state live in the read store too (not a projection).
  migrations: [...new Set([...PROJECTION_FAMILIES.flatMap((f) => classes(f.readModel.migrations)), ...classes(INTEGRATION_OUTBOX_TABLES.migrations)])],
};
