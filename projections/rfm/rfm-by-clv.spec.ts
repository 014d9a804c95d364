import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type CustomerEvent, parseRfmDefinition, type RfmDefinition, scoreByRank, valueGroupOf } from '@lifecycle/domain';
import { openReadModelHarness, type ReadModelHarness } from '../testing/read-model-harness';
import { clvFamily } from '../clv/clv.family';
import { clvOf } from '../clv/clv.query';
import { clvProjection } from '../clv/clv.read-model';
import { READ_MODELS } from '../index';
import { rfmFamily } from './rfm.family';
import { rfmDiff, segmentDistribution, segmentMigration, segmentOf, ServedValueGroupsCache } from './rfm.query';
import { rfmProjection, rfmReadModel } from './rfm.read-model';
import { clvDayBefore } from './rfm.value-groups';

// Two versions side by side over one log: v1 groups by M (the shipped rules), v2 by CLV.
const byMonetary = rfmFamily.defaultDefinition;
const byClv: RfmDefinition = { ...byMonetary, version: 2, valueGroups: { ...byMonetary.valueGroups, by: 'clv' } };
const clvDefinition = clvFamily.defaultDefinition; // BG/NBD + gamma-gamma, weeks, 52 weeks, 1% a month, USD
const definitionOf = () => clvDefinition;

const purchase = (customerId: string, orderId: string, occurredAt: string, amount: number, currency = 'USD'): CustomerEvent => ({
  type: 'PurchaseRecorded',
  data: { customerId, orderId, amount, currency, occurredAt: occurredAt.length === 10 ? `${occurredAt}T12:00:00.000Z` : occurredAt },
});

/**
 * A small log as of 1997-10-01. `big-once` spent $500 in one order in January and never came back,
 * and seven others bought once, for $60 to $300, in February to April: the big past spenders, and
 * one-off buyers long gone. `small-often` has bought $5 five times since July, the last a week ago
 * (the bottom M, yet a repeat buyer likely to keep buying), and `steady` $30 a month since April.
 * One customer bought only in EUR (the clv currency is USD) and one first bought at the snapshot
 * instant itself (RFM counts it; the CLV of the day before cannot).
 */
function smallLog(): CustomerEvent[] {
  const events: CustomerEvent[] = [purchase('big-once', 'b1', '1997-01-05', 50_000)];
  ['1997-07-01', '1997-07-20', '1997-08-10', '1997-09-01', '1997-09-24'].forEach((day, i) => events.push(purchase('small-often', `s${i}`, day, 500)));
  ['04', '05', '06', '07', '08', '09'].forEach((month) => events.push(purchase('steady', `st${month}`, `1997-${month}-10`, 3_000)));
  for (let c = 4; c <= 10; c++) {
    const day = new Date(Date.parse('1997-02-01T00:00:00Z') + c * 9 * 86_400_000).toISOString().slice(0, 10);
    events.push(purchase(`c${String(c).padStart(2, '0')}`, `c${c}`, day, 6_000 + 4_000 * (c - 4)));
  }
  events.push(purchase('eur-only', 'e1', '1997-09-10', 9_000, 'EUR'));
  events.push(purchase('at-instant', 'i1', '1997-10-01T00:00:00.000Z', 4_000));
  return events;
}

/** A fit as POST /clv/fit stores it: the CDNOW sample's published parameters (FHL 2005), as of 1997-09-30, weeks. */
async function storeFits(h: ReadModelHarness, asOf: string): Promise<void> {
  const fits = [
    ['bgnbd', { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }],
    ['gammagamma', { p: 6.25, q: 3.74, gamma: 15.44 }],
  ] as const;
  for (const [model, params] of fits) {
    await h.dataSource.query(
      `INSERT INTO clv_fit (projection_version, seq, model, unit, as_of, trigger, params, standard_errors, log_likelihood, customers, converged)
       SELECT 1, COALESCE(MAX(seq), 0) + 1, $1, 'weeks', $2, 'request', $3::jsonb, NULL, -1, 2357, true FROM clv_fit WHERE projection_version = 1`,
      [model, asOf, JSON.stringify(params)],
    );
  }
}

const ASOF = '1997-10-01T00:00:00.000Z';

it('the example definition (examples/rfm/rfm-by-clv.yaml) is the shipped one as version 2, value groups by clv', () => {
  const example = parseRfmDefinition(parse(readFileSync(join(__dirname, '../../examples/rfm/rfm-by-clv.yaml'), 'utf8')));
  const { description: _a, ...rest } = example;
  const { description: _b, ...shipped } = byClv;
  expect(rest).toEqual(shipped);
});

describe('rfm value groups by CLV (PGlite)', () => {
  let h: ReadModelHarness;
  beforeAll(async () => {
    h = await openReadModelHarness([rfmProjection(byMonetary), rfmProjection(byClv), clvProjection(clvDefinition)], READ_MODELS);
    await h.given(...smallLog());
    await h.runner.switchTo('rfm', 2);
  }, 60_000);
  afterAll(() => h?.close());

  it('reads the CLV of the last whole day before the snapshot instant', () => {
    expect(clvDayBefore('1997-10-01T00:00:00.000Z')).toBe('1997-09-30');
    expect(clvDayBefore('1997-10-01T15:30:00.000Z')).toBe('1997-09-30');
    expect(clvDayBefore('1997-10-01T23:59:59.999Z')).toBe('1997-10-01');
  });

  it('without a fit as of the instant, keeps the monetary groups and says why', async () => {
    const customer = await segmentOf(h.dataSource, 'small-often', ASOF);
    expect(customer).toMatchObject({ valueGroup: 'low', valueGroupBasis: 'monetary', valueGroupFallback: { code: 'CLV.NO_FIT' } });
    expect(customer!.valueGroupFallback!.reason).toContain('as of 1997-09-30');
    expect(customer!.clv).toBeUndefined();
    const distribution = await segmentDistribution(h.dataSource, ASOF);
    expect(distribution.valueGroupBasis).toBe('monetary');
    expect(distribution.valueGroupsBy).toMatchObject({ configured: 'clv', clv: 0, monetary: 12, fallbacks: [{ code: 'CLV.NO_FIT', customers: 12 }] });
    expect(distribution.valueGroups.every((g) => g.basis === 'monetary')).toBe(true);
  });

  describe('with the fits of 1997-09-30', () => {
    beforeAll(async () => {
      await storeFits(h, '1997-09-30');
    });

    it('ranks the scored customers by predicted CLV: low past spend but high CLV is high value, and the other way round', async () => {
      const often = await segmentOf(h.dataSource, 'small-often', ASOF);
      const once = await segmentOf(h.dataSource, 'big-once', ASOF);
      // The same snapshot under v1 (by M): the groups swap.
      expect(await segmentOf(h.dataSource, 'small-often', ASOF, 1)).toMatchObject({ scores: { m: 1 }, valueGroup: 'low', valueGroupBasis: 'monetary' });
      expect(await segmentOf(h.dataSource, 'big-once', ASOF, 1)).toMatchObject({ scores: { m: 5 }, valueGroup: 'high', valueGroupBasis: 'monetary' });
      expect(often).toMatchObject({ scores: { m: 1 }, valueGroup: 'high', valueGroupBasis: 'clv', clv: { score: 5, customersRanked: 10 } });
      expect(once).toMatchObject({ scores: { m: 5 }, valueGroup: 'low', valueGroupBasis: 'clv', clv: { score: 1 } });
      expect(often!.valueGroupFallback).toBeUndefined();
      expect(often!.clv).toMatchObject({
        asOf: '1997-09-30',
        currency: 'USD',
        projectionVersion: 1,
        fits: { transaction: { model: 'bgnbd', asOf: '1997-09-30', version: 'clv v1 fit 1' }, spend: { model: 'gammagamma', version: 'clv v1 fit 2' } },
      });
    });

    it('uses the CLV GET /customers/:id/clv answers for that day, ranked by the rule floor(bins*(r-1)/n)+1', async () => {
      const ids = ['big-once', 'small-often', 'steady', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];
      const clvs = await Promise.all(ids.map(async (id) => (await clvOf(h.dataSource, id, { asOf: '1997-09-30T00:00:00.000Z', definitionOf }))!.clv));
      const scores = scoreByRank(clvs, byClv.bins);
      for (const [i, id] of ids.entries()) {
        const view = await segmentOf(h.dataSource, id, ASOF);
        expect(view!.clv!.value).toBe(clvs[i]);
        expect(view!.clv!.score).toBe(scores[i]);
        expect(view!.valueGroup).toBe(valueGroupOf({ r: 0, f: 0, m: scores[i]! }, byClv.valueGroups));
      }
    });

    it('answers the same through a cache of the served groups, ranking the snapshot once while the entry lives', async () => {
      let now = 0;
      const cache = new ServedValueGroupsCache(60_000, () => now);
      const ids = ['big-once', 'small-often', 'steady', 'c04', 'eur-only'];
      const ranked: string[] = [];
      const counting = new Proxy(h.dataSource, {
        get: (target, key) => key === 'query'
          ? (sql: string, params?: unknown[]) => {
            if (sql.includes('FROM rfm_snapshot WHERE as_of = $1 AND projection_version = $2')) ranked.push(sql);
            return target.query(sql, params);
          }
          : Reflect.get(target, key, target),
      });
      for (const id of ids) expect(await segmentOf(counting, id, ASOF, undefined, cache)).toEqual(await segmentOf(h.dataSource, id, ASOF));
      expect(ranked).toHaveLength(1);
      now = 60_000;
      await segmentOf(counting, 'steady', ASOF, undefined, cache);
      expect(ranked).toHaveLength(2);
    });

    it('keeps the monetary group, named, for a customer the CLV does not cover', async () => {
      // bought only in EUR; first bought at the snapshot instant, after the day the CLV is read for
      for (const id of ['eur-only', 'at-instant']) {
        const view = await segmentOf(h.dataSource, id, ASOF);
        expect(view).toMatchObject({ valueGroupBasis: 'monetary', valueGroupFallback: { code: 'CLV.NO_PURCHASE' } });
        expect(view!.valueGroup).toBe((await segmentOf(h.dataSource, id, ASOF, 1))!.valueGroup);
        expect(view!.valueGroupFallback!.reason).toBe('no purchase in USD by the end of 1997-09-30 in clv v1');
      }
    });

    it('gives the distribution by basis, with the mean CLV of each group ranked by it', async () => {
      const d = await segmentDistribution(h.dataSource, ASOF);
      expect(d.valueGroupBasis).toBe('clv');
      expect(d.valueGroupsBy).toMatchObject({ configured: 'clv', clv: 10, monetary: 2, fallbacks: [{ code: 'CLV.NO_PURCHASE', customers: 2 }], clvSource: { customersRanked: 10 } });
      expect(d.valueGroups.reduce((n, g) => n + g.customers, 0)).toBe(12);
      const clvRows = d.valueGroups.filter((g) => g.basis === 'clv');
      expect(clvRows.map((g) => [g.name, g.customers])).toEqual([['high', 2], ['mid', 4], ['low', 4]]);
      const meanClv = clvRows.map((g) => g.meanClv!);
      expect(meanClv[0]).toBeGreaterThan(meanClv[1]!);
      expect(meanClv[1]).toBeGreaterThan(meanClv[2]!);
      expect(d.valueGroups.filter((g) => g.basis === 'monetary').every((g) => g.meanClv === undefined)).toBe(true);
    });

    it('keeps the stored snapshot rows of the CLV version equal to the monetary version\'s: the CLV is never stored', async () => {
      const rows = async (v: number) => h.dataSource.query(`SELECT customer_id, r, f, m, segment, value_group FROM rfm_snapshot WHERE as_of = $1 AND projection_version = $2 ORDER BY customer_id`, [ASOF, v]);
      expect(await rows(2)).toEqual(await rows(1));
    });

    it('diffs the monetary version against the CLV one: the value-group matrix and which basis gave it', async () => {
      const diff = await rfmDiff(h.dataSource, 1, 2, ASOF);
      const groups = diff.matrices.find((m) => m.dimension === 'value group')!;
      const cell = (from: string, to: string) => groups.cells.find((c) => c.from === from && c.to === to)?.customers ?? 0;
      expect(cell('low', 'high')).toBeGreaterThanOrEqual(1); // small-often
      expect(cell('high', 'low')).toBeGreaterThanOrEqual(1); // big-once
      expect(groups.cells.reduce((n, c) => n + c.customers, 0)).toBe(12);
      // the segments do not move: the same scores, the same map
      expect(diff.matrices.find((m) => m.dimension === 'segment')!.cells.every((c) => c.from === c.to)).toBe(true);
      expect(diff.totals).toEqual([
        { measure: 'customers scored', from: 12, to: 12 },
        { measure: 'value group by clv', from: 0, to: 10 },
        { measure: 'value group by monetary', from: 12, to: 2 },
      ]);
      expect(diff.valueGroupsBy.to).toMatchObject({ configured: 'clv', clvSource: { asOf: '1997-09-30' } });
    });

    it('migrates value groups between dates, each date by its own basis', async () => {
      const migration = await segmentMigration(h.dataSource, '1997-09-01T00:00:00.000Z', ASOF);
      expect(migration.valueGroupsBy.from).toMatchObject({ clv: 0, fallbacks: [{ code: 'CLV.NO_FIT' }] });
      expect(migration.valueGroupsBy.to).toMatchObject({ clv: 10 });
      // small-often was low by M on 1997-09-01 (no fit yet) and is high by CLV on 1997-10-01
      expect(migration.valueGroupCells.find((c) => c.from === 'low' && c.to === 'high')?.customers).toBeGreaterThanOrEqual(1);
      expect(migration.valueGroupCells.reduce((n, c) => n + c.customers, 0)).toBe(migration.cells.reduce((n, c) => n + c.customers, 0));
    });
  });
});

describe('rfm value groups by CLV without the clv projection (PGlite)', () => {
  let h: ReadModelHarness;
  beforeAll(async () => {
    h = await openReadModelHarness([rfmProjection(byClv)], rfmReadModel);
    await h.given(...smallLog());
  }, 60_000);
  afterAll(() => h?.close());

  it('falls back to the monetary groups and says the clv projection is not built', async () => {
    const view = await segmentOf(h.dataSource, 'small-often', ASOF);
    expect(view).toMatchObject({ valueGroup: 'low', valueGroupBasis: 'monetary', valueGroupFallback: { code: 'CLV.NOT_BUILT' } });
    const d = await segmentDistribution(h.dataSource, ASOF);
    expect(d.valueGroupsBy).toMatchObject({ configured: 'clv', clv: 0, monetary: 12, fallbacks: [{ code: 'CLV.NOT_BUILT', customers: 12 }] });
  });
});
