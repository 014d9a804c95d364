import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { matchSegment, parseRfmDefinition } from './rfm-definition';
import { clvValueGroups, rfmMeasures, scoreByRank, scoreRfm, valueGroupOf } from './rfm-score';

const DAY_MS = 86_400_000;

const shipped = parseRfmDefinition(parse(readFileSync(join(__dirname, '../../../../projections/rfm/rfm.definition.yaml'), 'utf8')));
const at = (iso: string) => Date.parse(iso);

describe('scoreByRank: floor(bins * (RANK() - 1) / n) + 1', () => {
  it.each([
    // values, bins, scores
    [[10, 20, 30, 40, 50], 5, [1, 2, 3, 4, 5]],
    [[50, 40, 30, 20, 10], 5, [5, 4, 3, 2, 1]],
    // ties share the lowest rank: ranks 1, 1, 3, 4, 4 -> floor(5*0/5)+1, 1, floor(5*2/5)+1, floor(5*3/5)+1, 4
    [[7, 7, 8, 9, 9], 5, [1, 1, 3, 4, 4]],
    // everyone tied: rank 1 for all, so the lowest score for all
    [[3, 3, 3], 5, [1, 1, 1]],
    // one customer: rank 1 of 1
    [[42], 5, [1]],
    // n = 10: ranks 1..10 -> floor(5*(r-1)/10)+1 = 1,1,2,2,3,3,4,4,5,5
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]],
    // three bins over 4: floor(3*(r-1)/4)+1 = 1,1,2,3
    [[1, 2, 3, 4], 3, [1, 1, 2, 3]],
    // negative values (net of refunds) rank below zero
    // n = 4 never reaches 5: the top rank gives floor(5 * 3 / 4) + 1 = 4
    [[0, -5, 100, 0], 5, [2, 1, 4, 2]],
  ])('%j with %i bins scores %j', (values, bins, expected) => {
    expect(scoreByRank(values, bins)).toEqual(expected);
  });
});

describe('rfmMeasures over the window (asOf - days, asOf]', () => {
  const asOf = at('2024-03-01T00:00:00Z');
  const purchases = [
    { customerId: 'a', orderId: 'o1', occurredAt: at('2024-02-29T12:00:00Z'), amount: 1000 },
    { customerId: 'a', orderId: 'o2', occurredAt: at('2023-12-01T00:00:00Z'), amount: 500 },
    // the window's left edge is open: exactly 365 days before is out
    { customerId: 'b', orderId: 'o3', occurredAt: asOf - 365 * DAY_MS, amount: 9999 },
    { customerId: 'b', orderId: 'o4', occurredAt: asOf - 365 * DAY_MS + 1, amount: 200 },
    // after the as-of instant: not yet
    { customerId: 'c', orderId: 'o5', occurredAt: asOf + 1, amount: 700 },
  ];
  const refunds = [
    { customerId: 'a', occurredAt: at('2024-01-01T00:00:00Z'), amount: 300 },
    // a refund after the as-of instant is not known yet
    { customerId: 'a', occurredAt: asOf + 1, amount: 100 },
    // a refund in the window counts by its own time, even for an order before the window
    { customerId: 'b', occurredAt: at('2024-02-01T00:00:00Z'), amount: 50 },
  ];

  it('takes days since the last purchase (rounded down), distinct orders and net revenue', () => {
    const measures = rfmMeasures(purchases, refunds, asOf, 365);
    expect(measures.sort((x, y) => x.customerId.localeCompare(y.customerId))).toEqual([
      { customerId: 'a', recencyDays: 0, frequency: 2, monetary: 1200 },
      { customerId: 'b', recencyDays: 364, frequency: 1, monetary: 150 },
    ]);
  });

  it('counts an order id once however often it appears', () => {
    const twice = [...purchases, { customerId: 'a', orderId: 'o1', occurredAt: at('2024-02-28T00:00:00Z'), amount: 0 }];
    expect(rfmMeasures(twice, [], asOf, 365).find((c) => c.customerId === 'a')!.frequency).toBe(2);
  });
});

describe('scoreRfm with the shipped definition', () => {
  it('gives the most recent the top R, the most frequent and biggest spenders the top F and M', () => {
    const population = [
      { customerId: 'best', recencyDays: 1, frequency: 20, monetary: 90_000 },
      { customerId: 'gone', recencyDays: 300, frequency: 1, monetary: 1_000 },
      { customerId: 'fan-gone', recencyDays: 280, frequency: 18, monetary: 80_000 },
      { customerId: 'newbie', recencyDays: 2, frequency: 1, monetary: 900 },
      { customerId: 'mid', recencyDays: 100, frequency: 5, monetary: 10_000 },
    ];
    const scored = Object.fromEntries(scoreRfm(population, shipped).map((c) => [c.customerId, c]));
    expect(scored.best).toMatchObject({ r: 5, f: 5, m: 5, segment: 'Champions', valueGroup: 'high' });
    // recency ties would share: here 'newbie' is second most recent -> rank 4 of 5 -> score 4
    expect(scored.newbie).toMatchObject({ r: 4, f: 1, m: 1, segment: 'Promising', valueGroup: 'low' });
    expect(scored.gone).toMatchObject({ r: 1, f: 1, m: 2, segment: 'Lost', valueGroup: 'low' });
    expect(scored['fan-gone']).toMatchObject({ r: 2, f: 4, m: 4, segment: 'At risk', valueGroup: 'mid' });
    expect(scored.mid).toMatchObject({ r: 3, f: 3, m: 3, segment: 'Need attention', valueGroup: 'mid' });
  });

  it('gives tied customers the same scores', () => {
    const population = [
      { customerId: 'x', recencyDays: 10, frequency: 2, monetary: 500 },
      { customerId: 'y', recencyDays: 10, frequency: 2, monetary: 500 },
      { customerId: 'z', recencyDays: 40, frequency: 1, monetary: 100 },
    ];
    const [x, y, z] = scoreRfm(population, shipped);
    // R: days descending, z (40) rank 1, x and y tied at rank 2 -> floor(5*1/3)+1 = 2
    expect([x!.r, y!.r, z!.r]).toEqual([2, 2, 1]);
    expect([x!.f, y!.f, x!.m, y!.m]).toEqual([2, 2, 2, 2]);
    expect(x!.segment).toBe(y!.segment);
  });
});

describe('the shipped segment map (R x FM grid, FM = floor((F + M) / 2))', () => {
  it.each([
    // r, f, m, segment
    [5, 5, 5, 'Champions'], [5, 4, 5, 'Champions'], [5, 5, 3, 'Champions'],
    [4, 5, 5, 'Loyal'], [3, 4, 4, 'Loyal'],
    [5, 2, 3, 'Potential loyalist'], [4, 3, 3, 'Potential loyalist'],
    [5, 1, 1, 'New'], [5, 1, 2, 'New'],
    [4, 1, 1, 'Promising'],
    [3, 3, 3, 'Need attention'],
    [3, 1, 1, 'About to sleep'], [3, 2, 2, 'About to sleep'],
    [1, 5, 5, "Can't lose them"], [2, 5, 5, "Can't lose them"],
    [1, 3, 3, 'At risk'], [2, 4, 5, 'At risk'],
    [2, 1, 1, 'Hibernating'], [2, 2, 2, 'Hibernating'],
    [1, 1, 1, 'Lost'], [1, 2, 2, 'Lost'],
  ])('r=%i f=%i m=%i is %s', (r, f, m, segment) => {
    expect(matchSegment(shipped.segments, { r, f, m })).toBe(segment);
  });

  it('uses all eleven segments', () => {
    expect(new Set(shipped.segments.rules.map((rule) => rule.segment)).size).toBe(11);
  });
});

describe('value groups by M score', () => {
  it.each([
    [5, 'high'], [4, 'mid'], [3, 'mid'], [2, 'low'], [1, 'low'],
  ] as const)('m=%i is %s', (m, group) => {
    expect(valueGroupOf({ r: 3, f: 3, m }, shipped.valueGroups)).toBe(group);
  });
});

describe('value groups by CLV score', () => {
  const byClv = { bins: 5, valueGroups: { by: 'clv' as const, high: 5, mid: 3 } };

  it('ranks the predicted CLV by the same rule as R, F and M, then applies the thresholds', () => {
    // ten customers, CLV ascending with the id: scores 1,1,2,2,3,3,4,4,5,5
    const customers = Array.from({ length: 10 }, (_, i) => ({ customerId: `c${i}`, clv: 10.5 * (i + 1) }));
    const groups = clvValueGroups(customers, byClv);
    expect(groups.map((g) => g.score)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(groups.map((g) => g.valueGroup)).toEqual(['low', 'low', 'low', 'low', 'mid', 'mid', 'mid', 'mid', 'high', 'high']);
  });

  it('gives tied CLVs (same history, same prediction) one score, the lowest rank', () => {
    const groups = clvValueGroups([{ customerId: 'a', clv: 3.25 }, { customerId: 'b', clv: 3.25 }, { customerId: 'c', clv: 90 }, { customerId: 'd', clv: 0 }], byClv);
    // ranks 2, 2, 4, 1 of n = 4: floor(5 * 1 / 4) + 1 = 2, 2, floor(5 * 3 / 4) + 1 = 4, 1
    expect(groups.map((g) => [g.customerId, g.score, g.valueGroup])).toEqual([['a', 2, 'low'], ['b', 2, 'low'], ['c', 4, 'mid'], ['d', 1, 'low']]);
  });

  it('refuses a CLV that is not a finite number rather than rank it', () => {
    expect(() => clvValueGroups([{ customerId: 'a', clv: Number.NaN }], byClv)).toThrow(RangeError);
  });
});
