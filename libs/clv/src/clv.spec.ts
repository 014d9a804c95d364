import { readFileSync } from 'node:fs';
import { parseCdnowSample } from '../test/cdnow-files';
import { bgNbdConditionalExpectedPurchases, fitBgNbd } from './bg-nbd';
import { customerLifetimeValue, DEFAULT_PERIODS_PER_MONTH } from './clv';
import { fitGammaGamma, gammaGammaConditionalExpectedValue } from './gamma-gamma';
import { fitParetoNbd, paretoNbdConditionalExpectedPurchases } from './pareto-nbd';
import { summarizeTransactions } from './summary';
import { sharedDataFile } from '@lifecycle/testing/shared-data';


describe('customerLifetimeValue', () => {
  it('telescopes to value × E[Y(horizon)] when nothing is discounted', () => {
    const expected = (t: number) => 3 * (1 - Math.exp(-t / 40));
    const clv = customerLifetimeValue(expected, 25, { months: 12, monthlyDiscountRate: 0, unit: 'weeks' });
    expect(clv).toBeCloseTo(25 * expected(12 * 4.345), 10);
  });

  it('discounts month i by (1 + d)^i: a steady buyer is an annuity', () => {
    // One purchase per 30 days, worth 10, for 24 months at 1% a month.
    const clv = customerLifetimeValue((t) => t / 30, 10, { months: 24, monthlyDiscountRate: 0.01, unit: 'days' });
    expect(clv).toBeCloseTo((10 * (1 - 1.01 ** -24)) / 0.01, 10);
  });

  it('maps a month to 30 days or 4.345 weeks unless told otherwise', () => {
    expect(DEFAULT_PERIODS_PER_MONTH).toEqual({ days: 30, weeks: 4.345 });
    const calls: number[] = [];
    customerLifetimeValue((t) => (calls.push(t), t), 1, { months: 2, monthlyDiscountRate: 0, unit: 'weeks', periodsPerMonth: 4 });
    expect(calls).toEqual([4, 8]);
  });

  it('rejects a horizon or rate that makes no sense', () => {
    const f = (t: number) => t;
    expect(() => customerLifetimeValue(f, 1, { months: 0, monthlyDiscountRate: 0, unit: 'days' })).toThrow(RangeError);
    expect(() => customerLifetimeValue(f, 1, { months: 1.5, monthlyDiscountRate: 0, unit: 'days' })).toThrow(RangeError);
    expect(() => customerLifetimeValue(f, 1, { months: 12, monthlyDiscountRate: -1, unit: 'days' })).toThrow(RangeError);
    expect(() => customerLifetimeValue(f, 1, { months: 12, monthlyDiscountRate: 0, unit: 'days', periodsPerMonth: 0 })).toThrow(RangeError);
  });

  describe('on the CDNOW sample with BG/NBD or Pareto/NBD and gamma-gamma', () => {
    const customers = summarizeTransactions(parseCdnowSample(readFileSync(sharedDataFile('CDNOW_sample.txt'), 'utf8')), {
      asOf: '1997-09-30',
      unit: 'weeks',
    });
    const bg = fitBgNbd(customers).params;
    const pnbd = fitParetoNbd(customers).params;
    const spend = fitGammaGamma(customers).params;
    const options = { months: 12, monthlyDiscountRate: 0.01, unit: 'weeks' } as const;
    const clvBg = customers.map((c) =>
      customerLifetimeValue((t) => bgNbdConditionalExpectedPurchases(bg, t, c), gammaGammaConditionalExpectedValue(spend, c), options),
    );
    const clvPnbd = customers.map((c) =>
      customerLifetimeValue((t) => paretoNbdConditionalExpectedPurchases(pnbd, t, c), gammaGammaConditionalExpectedValue(spend, c), options),
    );

    it('values every customer at a finite, non-negative amount', () => {
      for (const v of [...clvBg, ...clvPnbd]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
      }
    });

    it('ranks customers nearly alike under both transaction models', () => {
      // The two models tell nearly the same story on these data (FHL 2005 compare them at length).
      const n = clvBg.length;
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / n;
      const [mb, mp] = [mean(clvBg), mean(clvPnbd)];
      let sbp = 0;
      let sbb = 0;
      let spp = 0;
      for (let i = 0; i < n; i++) {
        sbp += (clvBg[i] - mb) * (clvPnbd[i] - mp);
        sbb += (clvBg[i] - mb) ** 2;
        spp += (clvPnbd[i] - mp) ** 2;
      }
      expect(sbp / Math.sqrt(sbb * spp)).toBeGreaterThan(0.95);
    });
  });
});
