import type { DataSource } from 'typeorm';
import type { ReadModels } from '../data-source/read-store-data-source';
import type { ProjectionDefinition } from './projection';

/**
 * The parameters of one version of a projection, as an analyst writes them in a versioned file
 * (YAML or JSON): `projection` names the family, `version` the version it builds; the rest is the
 * family's own (RFM window and bins, lifecycle thresholds, ...).
 */
export interface ProjectionParameters {
  readonly projection: string;
  readonly version: number;
  readonly description?: string;
}

/**
 * A projection whose rules are data: every version is built from a definition file, so a rule
 * change is a new version rebuilt beside the active one, compared (`diff`) and switched to.
 */
export interface ProjectionFamily<P extends ProjectionParameters = ProjectionParameters> {
  readonly name: string;
  /** Validates a definition file's content; throws an error naming the field and the reason. */
  parseDefinition(raw: unknown): P;
  /** The definition the engine builds when nobody chose another (shipped as a file beside the projection). */
  readonly defaultDefinition: P;
  /** The runner's projection for one version. */
  create(definition: P): ProjectionDefinition;
  /** Tables and migrations (shared by every version: rows carry their version). */
  readonly readModel: ReadModels;
  /** What switching from one built version to another would change, as of an instant (default: each version's own head). */
  diff?(ds: DataSource, from: number, to: number, asOf?: string): Promise<ProjectionDiff>;
}

/** A `from x to -> count` matrix (segments, stages, tiers) plus totals that moved (outstanding points). */
export interface ProjectionDiff {
  readonly projection: string;
  readonly from: number;
  readonly to: number;
  readonly asOf?: string;
  readonly matrices: readonly TransitionMatrix[];
  readonly totals: readonly { readonly measure: string; readonly from: number; readonly to: number }[];
}

export interface TransitionMatrix {
  /** What moves: 'segment', 'stage', 'tier', ... */
  readonly dimension: string;
  /** Only the non-zero cells; customers present in one version only count under `null`. */
  readonly cells: readonly { readonly from: string | null; readonly to: string | null; readonly customers: number }[];
}
