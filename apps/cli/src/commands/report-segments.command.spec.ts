import { eventIdFor } from '@lifecycle/event-store';
import { READ_MODELS, rfmFamily, segmentDistribution, segmentMigration } from '@lifecycle/projections';
import { clvFamily } from '@lifecycle/projections/clv/clv.family';
import { clvProjection } from '@lifecycle/projections/clv/clv.read-model';
import { cdnowSampleEvents } from '@lifecycle/projections/clv/testing/cdnow-sample-log';
import { rfmDiff } from '@lifecycle/projections/rfm/rfm.query';
import { rfmProjection } from '@lifecycle/projections/rfm/rfm.read-model';
import { appendCustomerEvents } from '@lifecycle/projections/testing/cdnow-log';
import { openReadModelHarness, type ReadModelHarness } from '@lifecycle/projections/testing/read-model-harness';
import { renderDiff } from './projections.command';
import { formatMigration } from './report-segment-migration.command';
import { formatSegments } from './report-segments.command';

// The reports and `projections diff rfm` on the CDNOW sample log (Fader, Hardie & Lee 2005's 2,357
// customers) with two rfm versions side by side: v1 the shipped rules (value groups by M), v2 the
// same rules with `valueGroups.by: clv` (examples/rfm-by-clv.yaml). The clv projection refits daily
// by the log clock; one tick at 1997-10-01 fits BG/NBD and gamma-gamma as of 1997-09-30.
describe('rfm reports with value groups by CLV (CDNOW sample, PGlite)', () => {
  let h: ReadModelHarness;
  const byClv = { ...rfmFamily.defaultDefinition, version: 2, valueGroups: { ...rfmFamily.defaultDefinition.valueGroups, by: 'clv' as const } };
  const AS_OF = '1997-10-01T00:00:00.000Z';
  beforeAll(async () => {
    h = await openReadModelHarness(
      [rfmProjection(rfmFamily.defaultDefinition), rfmProjection(byClv), clvProjection({ ...clvFamily.defaultDefinition, refit: 'daily' })],
      READ_MODELS,
    );
    await appendCustomerEvents(h.eventStore, cdnowSampleEvents());
    await h.eventStore.appendToStream('clock', [{ id: eventIdFor('clock', AS_OF), type: 'ClockTicked', data: { at: AS_OF } }], { expectedRevision: 'any' });
    await h.runner.catchUp();
  }, 300_000);
  afterAll(() => h?.close());

  it('`projections diff rfm` shows how many customers change value group, and which basis gave each version its groups', async () => {
    const diff = await rfmDiff(h.dataSource, 1, 2, AS_OF);
    const text = renderDiff(diff);
    const groups = diff.matrices.find((m) => m.dimension === 'value group')!;
    const moved = groups.cells.filter((c) => c.from !== c.to).reduce((n, c) => n + c.customers, 0);
    // The figure the README quotes: 2,357 customers scored, all of them covered by the CLV of 1997-09-30.
    expect(moved).toBe(CHANGED);
    expect(text).toContain(`${moved} customer(s) change value group`);
    expect(text).toContain('0 customer(s) change segment');
    expect(diff.totals).toEqual([
      { measure: 'customers scored', from: 2357, to: 2357 },
      { measure: 'value group by clv', from: 0, to: 2357 },
      { measure: 'value group by monetary', from: 2357, to: 0 },
    ]);
    expect(text).toMatch(/value group by clv\s*│\s*0\s*│\s*2357\s*│\s*2357/);
  });

  it('`report segments` names the basis and the fits, with the mean CLV per group', async () => {
    const text = formatSegments(await segmentDistribution(h.dataSource, AS_OF, 2), 'table');
    expect(text).toContain(
      'value groups by CLV score: 2357 customers ranked by CLV (clv v1 as of the end of 1997-09-30, bgnbd clv v1 fit 1 + gammagamma clv v1 fit 2, 52 weeks, USD)',
    );
    expect(text).toContain('mean CLV');
    const csv = formatSegments(await segmentDistribution(h.dataSource, AS_OF, 2), 'csv').trim().split('\n');
    expect(csv[0]).toBe('group,name,customers,share,mean_r,mean_f,mean_m,mean_recency_days,mean_frequency,mean_monetary,monetary,basis,mean_clv');
    const high = csv.find((line) => line.startsWith('value_group,high,'))!.split(',');
    expect(high[11]).toBe('clv');
    expect(Number(high[12])).toBeGreaterThan(0);
    // The monetary version says so too.
    expect(formatSegments(await segmentDistribution(h.dataSource, AS_OF, 1), 'table')).toContain('value groups by M score (2357 customers)');
  });

  it('`report segment-migration` says, per date, what gave the value groups: M before the first fit, CLV after', async () => {
    const text = formatMigration(await segmentMigration(h.dataSource, '1997-09-01T00:00:00.000Z', AS_OF, 2), 'table');
    expect(text).toContain('1997-09-01T00:00:00.000Z: value groups by M score, not CLV as the version asks; 2357 by M score, CLV.NO_FIT: clv v1: no bgnbd fit as of 1997-08-31 or earlier');
    expect(text).toContain('1997-10-01T00:00:00.000Z: value groups by CLV score: 2357 customers ranked by CLV');
    const csv = formatMigration(await segmentMigration(h.dataSource, '1997-09-01T00:00:00.000Z', AS_OF, 2), 'csv').trim().split('\n');
    expect(csv[0]).toBe('dimension,from,to,customers');
    expect(csv.filter((line) => line.startsWith('value_group,')).reduce((n, line) => n + Number(line.split(',')[3]), 0)).toBe(2357);
  });
});

/** Customers whose value group differs between by-M and by-CLV as of 1997-10-01 (quoted in the README). */
const CHANGED = 1040;
