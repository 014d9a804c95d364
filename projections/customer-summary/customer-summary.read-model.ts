import { rowProjection } from '@lifecycle/read-store';
import { CustomerSummary } from './customer-summary.entity';
import { CustomerSummary1767225601000 } from './customer-summary.migrations';
import { customerSummaryFold } from './customer-summary.projection';

/** The fold bound to its table, as the projection runner hosts it. */
export const customerSummaryProjection = rowProjection(customerSummaryFold, { entity: CustomerSummary, key: 'customerId' });

export const customerSummaryReadModel = {
  entities: [CustomerSummary],
  migrations: [CustomerSummary1767225601000],
};
