import type { DataSource } from 'typeorm';
import { clvFamily } from '@lifecycle/projections';
import type { ClvDefinition } from '@lifecycle/projections/clv/clv.definition';
import { readDefinitions } from '@lifecycle/read-store';

/**
 * The definition a version of the clv projection was built from: the registered one (stored
 * definitions, validated when registered), else the shipped default for version 1.
 */
export async function clvDefinitionOf(readStore: DataSource, version: number): Promise<ClvDefinition> {
  const stored = (await readDefinitions(readStore.manager, clvFamily.name)).find((d) => d.version === version);
  return stored ? clvFamily.parseDefinition(stored.definition) : { ...clvFamily.defaultDefinition, version };
}
