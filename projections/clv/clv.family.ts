import { join } from 'node:path';
import { type ProjectionFamily, readDefinitionFile } from '@lifecycle/read-store';
import { type ClvDefinition, parseClvDefinition } from './clv.definition';
import { CLV } from './clv.projection';
import { clvProjection, clvReadModel } from './clv.read-model';

/** clv as a family: every version is built from a definition file (model, unit, horizon, discount, currency, refit schedule). */
export const clvFamily: ProjectionFamily<ClvDefinition> = {
  name: CLV,
  parseDefinition: parseClvDefinition,
  defaultDefinition: parseClvDefinition(readDefinitionFile(join(__dirname, 'clv.definition.yaml'))),
  create: clvProjection,
  readModel: clvReadModel,
};
