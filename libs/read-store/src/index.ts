export {
  migrateReadStore, openEmbeddedReadStore, openPostgresReadStore, READ_STORE_MIGRATIONS_TABLE,
  type ReadModels, type ReadStoreOptions,
} from './data-source/read-store-data-source';
export { embeddedPgDriver, LeasedClientReleasedError } from './data-source/embedded-pg-driver';
export { bigintColumn, instantColumn } from './columns';
export {
  type ApplyContext, InvalidProjectionError, type ProjectionDefinition, ProjectionEventError,
} from './projections/projection';
export { type RowFold, type RowMapping, rowProjection } from './projections/row-projection';
export { VERSION_PROPERTY, type VersionedRow } from './projections/row-table';
export { type CheckpointStatus, ProjectionCheckpoint, type RecordedProjectionError } from './projections/projection-checkpoint.entity';
export {
  ActiveVersionError, CheckpointMovedError, type CheckpointRow, ProjectionVersionNotReadyError, readCheckpoints,
} from './projections/projection-checkpoints.sql';
export { EVENTS_BEHIND_CAP, eventsTableLag } from './projections/events-behind.sql';
export {
  DEFAULT_PROJECTION_BATCH_SIZE, ProjectionFailedError, ProjectionRunner, type ProjectionRunnerOptions, type ProjectionState, type ProjectionStatus,
  RunnerStateError, UnknownProjectionError,
} from './projections/projection-runner';
export { type ProjectionStatusSource, registerProjectionMetrics } from './projections/projection-metrics';
