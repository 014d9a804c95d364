export {
  migrateReadStore, openEmbeddedReadStore, openPostgresReadStore, READ_STORE_MIGRATIONS_TABLE,
  type ReadModels, type ReadStoreOptions,
} from './data-source/read-store-data-source';
export { embeddedPgDriver, LeasedClientReleasedError } from './data-source/embedded-pg-driver';
export { copiesFromBlob, copyField, copyLines, copyRows, copyText, type CopyValue } from './data-source/copy-rows';
export { bigintColumn, instantColumn } from './columns';
export {
  type ApplyContext, InvalidProjectionError, type LookAheadContext, type ProjectionDefinition, ProjectionEventError, ProjectionMemory,
} from './projections/projection';
export { MAX_REMEMBERED_ROWS, type RowFold, type RowMapping, rowProjection } from './projections/row-projection';
export { VERSION_PROPERTY, type VersionedRow } from './projections/row-table';
export { type CheckpointStatus, ProjectionCheckpoint, type RecordedProjectionError } from './projections/projection-checkpoint.entity';
export {
  ActiveVersionError, CheckpointMovedError, type CheckpointRow, deleteCheckpoint, ProjectionVersionNotReadyError, readCheckpoints, switchActiveVersion,
} from './projections/projection-checkpoints.sql';
export { EVENTS_BEHIND_CAP, eventsTableLag } from './projections/events-behind.sql';
export {
  DEFAULT_PROJECTION_BATCH_SIZE, ProjectionFailedError, ProjectionRunner, type ProjectionRunnerOptions, type ProjectionState, type ProjectionStatus,
  RunnerStateError, UnknownProjectionError,
} from './projections/projection-runner';
export { type ProjectionStatusSource, registerProjectionMetrics } from './projections/projection-metrics';
export type { ProjectionDiff, ProjectionFamily, ProjectionParameters, TransitionMatrix } from './projections/projection-family';
export { DefinitionConflictError, readDefinitions, registerDefinition, type StoredDefinition } from './projections/projection-definitions.sql';
export { claimLease, type LeaseRow, readLeases, releaseLease } from './projections/projection-leases.sql';
export {
  DEFAULT_DEFINITION_POLL_MS, DEFAULT_LEASE_MS, type DefinitionProblem, HostedProjections, type HostedProjectionsOptions, type HostedProjectionStatus,
  listProjections, newLeaseOwner, parseStored,
} from './projections/hosted-projections';
export { InvalidDefinitionError, parseCommonFields, readDefinitionFile } from './projections/definition-file';
