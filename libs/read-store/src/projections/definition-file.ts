import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ProjectionParameters } from './projection-family';

/** A definition that does not validate: names the field and the reason, like every bad input here. */
export class InvalidDefinitionError extends Error {
  readonly code = 'PROJECTION.INVALID_DEFINITION';
  constructor(readonly field: string, readonly reason: string, readonly source?: string) {
    super(`${source ? `${source}: ` : ''}${field}: ${reason}`);
    this.name = 'InvalidDefinitionError';
  }
}

/** Reads a definition file: JSON for .json, YAML otherwise (YAML is a superset of JSON anyway). */
export function readDefinitionFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InvalidDefinitionError('(file)', `not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`, path);
  }
}

/**
 * The fields every definition has: `projection` (the family), `version` (a positive integer) and an
 * optional `description`. `extra` lists the family's own fields; any other field is refused, so that
 * a typo (`windowDay`) is an error rather than a silently ignored rule.
 */
export function parseCommonFields(raw: unknown, family: string, extra: readonly string[] = []): ProjectionParameters & Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidDefinitionError('(root)', 'must be a mapping of fields');
  const fields = raw as Record<string, unknown>;
  if (fields.projection !== family) throw new InvalidDefinitionError('projection', `must be "${family}" (got ${JSON.stringify(fields.projection)})`);
  if (!Number.isSafeInteger(fields.version) || (fields.version as number) < 1) {
    throw new InvalidDefinitionError('version', `must be a positive integer (got ${JSON.stringify(fields.version)})`);
  }
  if (fields.description !== undefined && typeof fields.description !== 'string') throw new InvalidDefinitionError('description', 'must be text');
  const allowed = new Set(['projection', 'version', 'description', ...extra]);
  for (const name of Object.keys(fields)) if (!allowed.has(name)) throw new InvalidDefinitionError(name, 'is not a field of this projection');
  return fields as ProjectionParameters & Record<string, unknown>;
}
