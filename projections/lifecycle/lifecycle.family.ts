import { join } from 'node:path';
import { type LifecycleThresholds, lifecycleThresholdProblems } from '@lifecycle/domain';
import { InvalidDefinitionError, parseCommonFields, type ProjectionFamily, type ProjectionParameters, readDefinitionFile } from '@lifecycle/read-store';
import { LIFECYCLE } from './lifecycle.projection';
import { lifecycleDiff } from './lifecycle.query';
import { lifecycleProjection, lifecycleReadModel } from './lifecycle.read-model';

export interface LifecycleDefinition extends ProjectionParameters, LifecycleThresholds {}

const FIELDS = ['newForDays', 'dormantAfterDays', 'lostAfterDays', 'churn'] as const;

function parseDefinition(raw: unknown): LifecycleDefinition {
  const common = parseCommonFields(raw, LIFECYCLE, FIELDS);
  const [problem] = lifecycleThresholdProblems(common);
  if (problem) throw new InvalidDefinitionError(problem.field, problem.reason);
  const { projection, version, description, newForDays, dormantAfterDays, lostAfterDays, churn } = common as unknown as LifecycleDefinition;
  return { projection, version, ...(description !== undefined && { description }), newForDays, dormantAfterDays, lostAfterDays, churn };
}

const thresholdsOf = ({ newForDays, dormantAfterDays, lostAfterDays, churn }: LifecycleDefinition): LifecycleThresholds => ({ newForDays, dormantAfterDays, lostAfterDays, churn });

/** Lifecycle stages as a family: each version is built from its thresholds (lifecycle.definition.yaml is version 1). */
export const lifecycleFamily: ProjectionFamily<LifecycleDefinition> = {
  name: LIFECYCLE,
  parseDefinition,
  defaultDefinition: parseDefinition(readDefinitionFile(join(__dirname, 'lifecycle.definition.yaml'))),
  create: (definition) => lifecycleProjection(definition.version, thresholdsOf(definition)),
  readModel: lifecycleReadModel,
  diff: lifecycleDiff,
};
