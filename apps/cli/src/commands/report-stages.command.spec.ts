import type { LifecycleDistribution } from '@lifecycle/projections';
import { formatStages } from './report-stages.command';

const d: LifecycleDistribution = {
  asOf: '1998-06-30T00:00:00.000Z', version: 1, customers: 4, churnWarnings: 1,
  stages: { prospect: 1, new: 0, active: 1, dormant: 2, lost: 0 },
  churnWarningsByStage: { prospect: 0, new: 0, active: 0, dormant: 1, lost: 0 },
};

describe('lifecycle report stages', () => {
  it('prints one csv row per stage, in lifecycle order, with share and churn warnings', () => {
    expect(formatStages(d, undefined, 'csv')).toBe(
      'stage,customers,share,churn_warnings\nprospect,1,0.2500,0\nnew,0,0.0000,0\nactive,1,0.2500,0\ndormant,2,0.5000,1\nlost,0,0.0000,0\n',
    );
  });

  it('prints the distribution as json as the query returns it', () => {
    expect(JSON.parse(formatStages(d, undefined, 'json'))).toEqual(d);
  });

  it('titles the table with the instant and the version, and says so when nothing is built', () => {
    expect(formatStages(d, undefined, 'table')).toMatch(/^Lifecycle stages as of 1998-06-30T00:00:00.000Z \(lifecycle v1\)\n/);
    expect(formatStages(null, '1998-01-01T00:00:00.000Z', 'table')).toBe('Lifecycle as of 1998-01-01T00:00:00.000Z: no lifecycle version built yet\n');
  });
});
