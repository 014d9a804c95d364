import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { LoyaltyRules } from '@lifecycle/domain';
import type { ProjectionParameters } from '@lifecycle/read-store';
import { checkLoyaltyRules } from '../../apps/engine/src/rules/validate-loyalty-rules';

/**
 * A version of the points or the tier projection: the loyalty rules its rows are derived under, in
 * the schema of config/loyalty-rules.yaml and checked by the same rules as the engine's loader. A
 * rule change tried before it is switched on is a new version with other rules, built beside the
 * served one and compared with `lifecycle projections diff`.
 */
export interface LoyaltyDefinition extends ProjectionParameters {
  readonly rules: LoyaltyRules;
}

/** A definition file the projection cannot be built from; `problems` are `path: reason` lines. */
export class InvalidLoyaltyDefinitionError extends Error {
  readonly code = 'PROJECTION.INVALID_DEFINITION';
  constructor(readonly projection: string, readonly problems: readonly string[]) {
    super(`invalid ${projection} definition:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidLoyaltyDefinitionError';
  }
}

const KNOWN = new Set(['projection', 'version', 'description', 'rules']);

export function parseLoyaltyDefinition(raw: unknown, projection: string): LoyaltyDefinition {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidLoyaltyDefinitionError(projection, ['(file): must be a mapping']);
  const d = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (d.projection !== projection) problems.push(`projection: must be ${projection}`);
  if (typeof d.version !== 'number' || !Number.isSafeInteger(d.version) || d.version < 1) problems.push('version: must be a positive integer');
  if (d.description !== undefined && typeof d.description !== 'string') problems.push('description: must be text');
  for (const key of Object.keys(d)) if (!KNOWN.has(key)) problems.push(`${key}: is not a known field (projection, version, description, rules)`);
  const checked = d.rules === undefined ? { problems: ['(file): must be a mapping of rules'] } : checkLoyaltyRules(d.rules);
  if (checked.problems) problems.push(...checked.problems.map((p) => (p.startsWith('(file):') ? `rules: ${p.slice(8)}` : `rules.${p}`)));
  if (problems.length > 0 || !checked.rules) throw new InvalidLoyaltyDefinitionError(projection, problems);
  return {
    projection,
    version: d.version as number,
    ...(typeof d.description === 'string' && { description: d.description }),
    rules: checked.rules,
  };
}

/** Reads a definition file (YAML or JSON) shipped beside a projection. */
export const readLoyaltyDefinition = (path: string, projection: string): LoyaltyDefinition =>
  parseLoyaltyDefinition(parseYaml(readFileSync(path, 'utf8')), projection);
