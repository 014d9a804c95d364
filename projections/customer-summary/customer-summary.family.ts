import { join } from 'node:path';
import { parseCommonFields, type ProjectionFamily, type ProjectionParameters, readDefinitionFile, rowProjection } from '@lifecycle/read-store';
import { CustomerSummary } from './customer-summary.entity';
import { customerSummaryFold } from './customer-summary.projection';
import { customerSummaryReadModel } from './customer-summary.read-model';

const parseDefinition = (raw: unknown): ProjectionParameters => {
  const { projection, version, description } = parseCommonFields(raw, customerSummaryFold.name);
  return { projection, version, ...(description !== undefined && { description }) };
};

/** customer-summary as a family: no parameters beyond the version (a new version is a rebuild of the same fold). */
export const customerSummaryFamily: ProjectionFamily = {
  name: customerSummaryFold.name,
  parseDefinition,
  defaultDefinition: parseDefinition(readDefinitionFile(join(__dirname, 'customer-summary.definition.yaml'))),
  create: (definition) => rowProjection({ ...customerSummaryFold, version: definition.version }, { entity: CustomerSummary, key: 'customerId' }),
  readModel: customerSummaryReadModel,
};
