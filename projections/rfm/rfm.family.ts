import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseRfmDefinition, type RfmDefinition } from '@lifecycle/domain';
import type { ProjectionFamily } from '@lifecycle/read-store';
import { rfmDiff } from './rfm.query';
import { rfmProjection, rfmReadModel } from './rfm.read-model';
import { RFM } from './rfm.projection';

/** RFM as a family: every version is built from a definition file (window, bins, segment map, value groups). */
export const rfmFamily: ProjectionFamily<RfmDefinition> = {
  name: RFM,
  parseDefinition: parseRfmDefinition,
  defaultDefinition: parseRfmDefinition(parse(readFileSync(join(__dirname, 'rfm.definition.yaml'), 'utf8'))),
  create: rfmProjection,
  readModel: rfmReadModel,
  diff: rfmDiff,
};
