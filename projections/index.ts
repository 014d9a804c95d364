import type { ProjectionDefinition, ReadModels } from '@lifecycle/read-store';
import { customerSummaryProjection, customerSummaryReadModel } from './customer-summary/customer-summary.read-model';

export { customerSummary, type CustomerSummaryView, type MoneyView } from './customer-summary/customer-summary.query';
export { customerSummaryProjection } from './customer-summary/customer-summary.read-model';

/** Every projection the engine hosts, in the versions it builds and serves. */
export const PROJECTIONS: readonly ProjectionDefinition[] = [customerSummaryProjection];

/** Their tables: what `openEmbeddedReadStore` / `openPostgresReadStore` are given. */
export const READ_MODELS: ReadModels = {
  entities: [...customerSummaryReadModel.entities],
  migrations: [...customerSummaryReadModel.migrations],
};
