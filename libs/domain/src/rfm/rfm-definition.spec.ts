import { parseRfmDefinition, RfmDefinitionError } from './rfm-definition';

const valid = () => ({
  projection: 'rfm',
  version: 2,
  windowDays: 180,
  bins: 3,
  segments: { rules: [{ segment: 'Top', r: [3, 3], fm: [3, 3] }, { segment: 'Rest' }] },
  valueGroups: { by: 'monetary', high: 3, mid: 2 },
});

const refusal = (raw: unknown): { field: string; reason: string } => {
  try {
    parseRfmDefinition(raw);
  } catch (error) {
    if (error instanceof RfmDefinitionError) return { field: error.field, reason: error.reason };
    throw error;
  }
  throw new Error('accepted');
};

describe('parseRfmDefinition', () => {
  it('accepts a definition whose rules cover every score combination', () => {
    expect(parseRfmDefinition(valid())).toMatchObject({ version: 2, windowDays: 180, bins: 3, valueGroups: { by: 'monetary', high: 3, mid: 2 } });
  });

  it.each<[string, (d: ReturnType<typeof valid>) => unknown, string]>([
    ['another projection', (d) => ({ ...d, projection: 'tier' }), 'projection'],
    ['a misspelt field', (d) => ({ ...d, windowDay: 30 }), 'windowDay'],
    ['version 0', (d) => ({ ...d, version: 0 }), 'version'],
    ['a fractional window', (d) => ({ ...d, windowDays: 1.5 }), 'windowDays'],
    ['one bin', (d) => ({ ...d, bins: 1 }), 'bins'],
    ['no rules', (d) => ({ ...d, segments: { rules: [] } }), 'segments.rules'],
    ['a range past the bins', (d) => ({ ...d, segments: { rules: [{ segment: 'X', r: [1, 4] }] } }), 'segments.rules[0].r[1]'],
    ['an empty range', (d) => ({ ...d, segments: { rules: [{ segment: 'X', r: [3, 2] }] } }), 'segments.rules[0].r'],
    ['an unknown rule field', (d) => ({ ...d, segments: { rules: [{ segment: 'X', q: [1, 2] }] } }), 'segments.rules[0].q'],
    ['a nameless rule', (d) => ({ ...d, segments: { rules: [{ r: [1, 3] }] } }), 'segments.rules[0].segment'],
    ['a gap in the map', (d) => ({ ...d, segments: { rules: [{ segment: 'Top', r: [3, 3] }] } }), 'segments.rules'],
    ['value groups by an unknown measure', (d) => ({ ...d, valueGroups: { by: 'pAlive', high: 3, mid: 2 } }), 'valueGroups.by'],
    ['value groups by clv with a threshold past the bins', (d) => ({ ...d, valueGroups: { by: 'clv', high: 4, mid: 2 } }), 'valueGroups.high'],
    ['value groups by clv, mid above high', (d) => ({ ...d, valueGroups: { by: 'clv', high: 2, mid: 3 } }), 'valueGroups.mid'],
    ['value groups by clv without thresholds', (d) => ({ ...d, valueGroups: { by: 'clv' } }), 'valueGroups.high'],
    ['a field value groups do not have (a model to pin)', (d) => ({ ...d, valueGroups: { by: 'clv', high: 3, mid: 2, model: 'paretonbd' } }), 'valueGroups.model'],
    ['mid above high', (d) => ({ ...d, valueGroups: { by: 'monetary', high: 2, mid: 3 } }), 'valueGroups.mid'],
  ])('refuses %s, naming %s', (_name, change, field) => {
    expect(refusal(change(valid())).field).toBe(field);
  });

  it('accepts value groups by clv, thresholds on the CLV score', () => {
    expect(parseRfmDefinition({ ...valid(), valueGroups: { by: 'clv', high: 3, mid: 2 } }).valueGroups).toEqual({ by: 'clv', high: 3, mid: 2 });
  });

  it('says which score combination has no segment', () => {
    expect(refusal({ ...valid(), segments: { rules: [{ segment: 'Top', r: [2, 3] }] } }).reason).toContain('r=1 f=1 m=1');
  });
});
