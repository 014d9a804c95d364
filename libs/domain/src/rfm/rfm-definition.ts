/**
 * The rules of one RFM version, as an analyst writes them in projections/rfm/rfm.definition.yaml:
 * the scoring window, the number of score bins, the segment map and the value groups. Parsed once
 * (at start-up or by `lifecycle projections rebuild --definition`), so a bad file names its field.
 */
export interface RfmDefinition {
  readonly projection: 'rfm';
  readonly version: number;
  readonly description?: string;
  /** Purchases (and refunds) in (asOf - windowDays, asOf] count. */
  readonly windowDays: number;
  /** Scores run 1..bins. */
  readonly bins: number;
  readonly segments: SegmentMap;
  readonly valueGroups: ValueGroupRule;
}

/** An inclusive range of scores. */
export type ScoreRange = readonly [number, number];

/**
 * One row of the segment map: a customer belongs to `segment` when every range given holds. `fm` is
 * the combined frequency-monetary score, floor((f + m) / 2), the axis of the usual R x FM grid.
 */
export interface SegmentRule {
  readonly segment: string;
  readonly r?: ScoreRange;
  readonly f?: ScoreRange;
  readonly m?: ScoreRange;
  readonly fm?: ScoreRange;
}

export interface SegmentMap {
  /** Where the map comes from (cited in the README). */
  readonly source?: string;
  /** First match wins; parsing checks that every (r, f, m) has one. */
  readonly rules: readonly SegmentRule[];
}

/**
 * High / mid / low value from a score 1..bins: at least `high` is high, at least `mid` is mid, the
 * rest low. `by` names the score:
 * - `monetary`: the M score (net revenue in the window, the past).
 * - `clv`: a CLV score, the same rank rule over each scored customer's predicted CLV from the clv
 *   projection as of the snapshot instant (the future). The snapshot still stores the monetary group;
 *   the CLV group is worked out when asked, and a customer without a CLV then keeps the monetary group
 *   (projections/rfm/rfm.value-groups.ts says why and how).
 */
export interface ValueGroupRule {
  readonly by: ValueGroupBasis;
  readonly high: number;
  readonly mid: number;
}

export const VALUE_GROUP_BASES = ['monetary', 'clv'] as const;
export type ValueGroupBasis = (typeof VALUE_GROUP_BASES)[number];
export type ValueGroup = 'high' | 'mid' | 'low';
export const VALUE_GROUPS: readonly ValueGroup[] = ['high', 'mid', 'low'];

export class RfmDefinitionError extends Error {
  readonly code = 'RFM.INVALID_DEFINITION';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`rfm definition: ${field} ${reason}`);
    this.name = 'RfmDefinitionError';
  }
}

const TOP_LEVEL_FIELDS = ['projection', 'version', 'description', 'windowDays', 'bins', 'segments', 'valueGroups'];
const MAX_BINS = 10;
const MAX_WINDOW_DAYS = 36_600;

export function parseRfmDefinition(raw: unknown): RfmDefinition {
  const root = record(raw, '(root)');
  const unknown = Object.keys(root).filter((k) => !TOP_LEVEL_FIELDS.includes(k));
  if (unknown.length > 0) throw new RfmDefinitionError(unknown[0]!, 'is not a field of an rfm definition');
  if (root.projection !== 'rfm') throw new RfmDefinitionError('projection', `must be "rfm" (got ${JSON.stringify(root.projection)})`);
  const version = integer(root.version, 'version', 1, Number.MAX_SAFE_INTEGER);
  if (root.description !== undefined && typeof root.description !== 'string') throw new RfmDefinitionError('description', 'must be text');
  const windowDays = integer(root.windowDays, 'windowDays', 1, MAX_WINDOW_DAYS);
  const bins = integer(root.bins, 'bins', 2, MAX_BINS);
  const segments = parseSegments(root.segments, bins);
  const valueGroups = parseValueGroups(root.valueGroups, bins);
  return {
    projection: 'rfm',
    version,
    ...(root.description === undefined ? {} : { description: root.description as string }),
    windowDays,
    bins,
    segments,
    valueGroups,
  };
}

function parseSegments(raw: unknown, bins: number): SegmentMap {
  const map = record(raw, 'segments');
  if (map.source !== undefined && typeof map.source !== 'string') throw new RfmDefinitionError('segments.source', 'must be text');
  if (!Array.isArray(map.rules) || map.rules.length === 0) throw new RfmDefinitionError('segments.rules', 'must be a non-empty list');
  const rules = map.rules.map((item, i): SegmentRule => {
    const field = `segments.rules[${i}]`;
    const rule = record(item, field);
    if (typeof rule.segment !== 'string' || rule.segment.trim() === '') throw new RfmDefinitionError(`${field}.segment`, 'must be a non-empty name');
    const unknown = Object.keys(rule).filter((k) => !['segment', 'r', 'f', 'm', 'fm'].includes(k));
    if (unknown.length > 0) throw new RfmDefinitionError(`${field}.${unknown[0]}`, 'is not a rule field (segment, r, f, m, fm)');
    const ranges: Record<string, ScoreRange> = {};
    for (const axis of ['r', 'f', 'm', 'fm'] as const) {
      if (rule[axis] !== undefined) ranges[axis] = range(rule[axis], `${field}.${axis}`, bins);
    }
    return { segment: rule.segment, ...ranges };
  });
  const parsed: SegmentMap = { ...(map.source === undefined ? {} : { source: map.source as string }), rules };
  for (let r = 1; r <= bins; r++) {
    for (let f = 1; f <= bins; f++) {
      for (let m = 1; m <= bins; m++) {
        if (matchSegment(parsed, { r, f, m }) === undefined) {
          throw new RfmDefinitionError('segments.rules', `give no segment to r=${r} f=${f} m=${m} (every score combination needs one)`);
        }
      }
    }
  }
  return parsed;
}

function parseValueGroups(raw: unknown, bins: number): ValueGroupRule {
  const rule = record(raw, 'valueGroups');
  // A field this version does not know (a CLV model or version to pin, say) would otherwise be ignored in silence.
  const unknown = Object.keys(rule).filter((k) => !['by', 'high', 'mid'].includes(k));
  if (unknown.length > 0) throw new RfmDefinitionError(`valueGroups.${unknown[0]}`, 'is not a value-group field (by, high, mid)');
  if (!(VALUE_GROUP_BASES as readonly unknown[]).includes(rule.by)) {
    throw new RfmDefinitionError('valueGroups.by', `must be one of ${VALUE_GROUP_BASES.join(', ')} (got ${JSON.stringify(rule.by)})`);
  }
  const high = integer(rule.high, 'valueGroups.high', 1, bins);
  const mid = integer(rule.mid, 'valueGroups.mid', 1, bins);
  if (mid > high) throw new RfmDefinitionError('valueGroups.mid', `must not exceed valueGroups.high (${high})`);
  return { by: rule.by as ValueGroupBasis, high, mid };
}

/** The first rule of the map that holds for these scores, or undefined. */
export function matchSegment(map: SegmentMap, { r, f, m }: { readonly r: number; readonly f: number; readonly m: number }): string | undefined {
  const fm = combinedFm(f, m);
  const within = (value: number, bounds: ScoreRange | undefined) => bounds === undefined || (value >= bounds[0] && value <= bounds[1]);
  return map.rules.find((rule) => within(r, rule.r) && within(f, rule.f) && within(m, rule.m) && within(fm, rule.fm))?.segment;
}

/** The FM axis of the R x FM grid: the mean of F and M, rounded down. */
export const combinedFm = (f: number, m: number): number => Math.floor((f + m) / 2);

const record = (raw: unknown, field: string): Record<string, unknown> => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new RfmDefinitionError(field, 'must be a mapping');
  return raw as Record<string, unknown>;
};

const integer = (raw: unknown, field: string, min: number, max: number): number => {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new RfmDefinitionError(field, `must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return raw;
};

const range = (raw: unknown, field: string, bins: number): ScoreRange => {
  if (!Array.isArray(raw) || raw.length !== 2) throw new RfmDefinitionError(field, 'must be [low, high]');
  const low = integer(raw[0], `${field}[0]`, 1, bins);
  const high = integer(raw[1], `${field}[1]`, 1, bins);
  if (low > high) throw new RfmDefinitionError(field, `is empty (${low} > ${high})`);
  return [low, high];
};
