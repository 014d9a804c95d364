import type { EntityManager } from 'typeorm';

/** One registered version of a projection family: the definition file's content as it was validated. */
export interface StoredDefinition {
  readonly name: string;
  readonly version: number;
  readonly definition: Record<string, unknown>;
  /** Switch to this version as soon as it has caught up (false: `rebuild --no-switch`, switched by hand). */
  readonly switchWhenCaughtUp: boolean;
  readonly registeredAt: Date;
}

/** A version is immutable: its rows were built from its definition, so other rules need another version. */
export class DefinitionConflictError extends Error {
  readonly code = 'PROJECTION.DEFINITION_CONFLICT';
  constructor(readonly projection: string, readonly version: number) {
    super(`projection ${projection} v${version} is already registered with another definition; give the new rules a new version`);
    this.name = 'DefinitionConflictError';
  }
}

interface RawDefinition {
  name: string;
  version: number;
  definition: Record<string, unknown>;
  switch_when_caught_up: boolean;
  registered_at: Date;
}

/**
 * Registers a version, or finds it registered with the same definition (then only the switch flag
 * is updated, so a `rebuild` run again may change its mind about switching). Returns true when the
 * version is new.
 */
export async function registerDefinition(
  manager: EntityManager,
  definition: { readonly name: string; readonly version: number; readonly definition: object; readonly switchWhenCaughtUp: boolean },
): Promise<boolean> {
  const json = JSON.stringify(definition.definition);
  const [inserted] = (await manager.query(
    `INSERT INTO projection_definitions (name, version, definition, switch_when_caught_up) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (name, version) DO NOTHING RETURNING 1 AS n`,
    [definition.name, definition.version, json, definition.switchWhenCaughtUp],
  )) as { n: number }[];
  if (inserted) return true;
  // jsonb equality ignores key order and whitespace: the same rules written differently are the same version.
  // A CTE and a SELECT: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
  const [{ n }] = (await manager.query(
    `WITH same AS (
       UPDATE projection_definitions SET switch_when_caught_up = $4 WHERE name = $1 AND version = $2 AND definition = $3::jsonb RETURNING 1)
     SELECT count(*)::int AS n FROM same`,
    [definition.name, definition.version, json, definition.switchWhenCaughtUp],
  )) as [{ n: number }];
  if (n !== 1) throw new DefinitionConflictError(definition.name, definition.version);
  return false;
}

export async function readDefinitions(manager: EntityManager, name?: string): Promise<StoredDefinition[]> {
  const rows = (await manager.query(
    `SELECT name, version, definition, switch_when_caught_up, registered_at FROM projection_definitions
     WHERE $1::text IS NULL OR name = $1 ORDER BY name, version`,
    [name ?? null],
  )) as RawDefinition[];
  return rows.map((r) => ({
    name: r.name,
    version: r.version,
    definition: r.definition,
    switchWhenCaughtUp: r.switch_when_caught_up,
    registeredAt: r.registered_at,
  }));
}
