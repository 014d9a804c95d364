import { readFileSync } from 'node:fs';
import { parseCdnowMaster, parseCdnowSample } from '../test/cdnow-files';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
  type BgNbdParams,
} from './bg-nbd';
import { summarizeTransactions, type RepeatPurchaseHistory } from './summary';
import { sharedDataFile } from '@lifecycle/testing/shared-data';

const read = (name: string) => readFileSync(sharedDataFile(name), 'utf8');

/**
 * The 2,357-customer CDNOW calibration summary (weeks, calibration ends 1997-09-30), built from
 * the transactions: it equals cdnow_customers_summary.csv at that file's two decimals
 * (summary.spec.ts), and keeping recency and T unrounded matters on Pareto/NBD's flat β ridge,
 * which the rounded file moves by 0.001.
 */
const cdnow: RepeatPurchaseHistory[] = summarizeTransactions(parseCdnowSample(read('CDNOW_sample.txt')), {
  asOf: '1997-09-30',
  unit: 'weeks',
});

/** |actual − published| within half a unit of the published last digit. */
function expectToPublishedPrecision(actual: number, published: number, decimals: number) {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

describe('BG/NBD on the CDNOW sample', () => {
  const fit = fitBgNbd(cdnow);

  // Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way", Marketing Science 24(2),
  // 275–284, and Hardie's Excel note 004 (brucehardie.com/notes/004/): r = 0.243, α = 4.414,
  // a = 0.793, b = 2.426, LL = −9582.4. The same numbers are CLVTools' "recover parameters"
  // test (tests/testthat/test_correctness_bgnbd.R) and lifetimes' test_params_out_is_close_to_Hardie_paper.
  it('recovers the published parameters and log-likelihood', () => {
    expect(fit.converged).toBe(true);
    expectToPublishedPrecision(fit.params.r, 0.243, 3);
    expectToPublishedPrecision(fit.params.alpha, 4.414, 3);
    expectToPublishedPrecision(fit.params.a, 0.793, 3);
    expectToPublishedPrecision(fit.params.b, 2.426, 3);
    expectToPublishedPrecision(fit.logLikelihood, -9582.4, 1);
  });

  it('reports finite standard errors from a positive-definite Hessian', () => {
    const se = fit.standardErrors as BgNbdParams;
    expect(se).not.toBeNull();
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(se[k]).toBeGreaterThan(0);
      expect(se[k]).toBeLessThan(fit.params[k]);
    }
  });

  it('lands on the same maximum from a distant starting point', () => {
    const other = fitBgNbd(cdnow, { start: { r: 5, alpha: 0.5, a: 0.1, b: 20 } });
    expect(other.logLikelihood).toBeCloseTo(fit.logLikelihood, 4);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(other.params[k] / fit.params[k]).toBeCloseTo(1, 4);
  });

  // Hardie's bgnbd.xls (note 004) as checked by lifetimes' tests/test_estimation.py
  // (test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet): 1.226 expected
  // transactions in the next 39 weeks for x = 2, t_x = 30.43, T = 38.86.
  it("reproduces Hardie's conditional expectation for customer (2, 30.43, 38.86)", () => {
    const h = { frequency: 2, recency: 30.43, T: 38.86 };
    expectToPublishedPrecision(bgNbdConditionalExpectedPurchases(fit.params, 39, h), 1.226, 3);
  });

  // Same source (test_expectation_returns_same_value_Hardie_excel_sheet): E[X(t)] at six times,
  // checked there to 3 decimals.
  it("reproduces Hardie's E[X(t)] tracking values", () => {
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => expect(Math.abs(bgNbdExpectedPurchases(fit.params, t) - published[i])).toBeLessThan(5e-4));
  });
});

describe('BG/NBD expressions', () => {
  const params: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

  it('sums per-customer log-likelihoods whether or not customers share a history', () => {
    const customers = [
      { frequency: 0, recency: 0, T: 30 },
      { frequency: 0, recency: 0, T: 30 },
      { frequency: 3, recency: 12.5, T: 30 },
    ];
    const separately = customers.reduce((sum, c) => sum + bgNbdLogLikelihood(params, [c]), 0);
    expect(bgNbdLogLikelihood(params, customers)).toBeCloseTo(separately, 10);
  });

  it('gives P(alive) = 1 without a repeat purchase and lowers it as the silence since the last purchase grows', () => {
    expect(bgNbdProbabilityAlive(params, { frequency: 0, recency: 0, T: 50 })).toBe(1);
    const p = [10, 20, 30, 39].map((tx) => bgNbdProbabilityAlive(params, { frequency: 3, recency: tx, T: 39 }));
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThan(p[i - 1]);
    for (const v of p) expect(v).toBeGreaterThan(0);
    expect(p[3]).toBeLessThanOrEqual(1);
  });

  it('makes a new customer a history-less customer: E[X(t)] = E[Y(t) | 0, 0, 0]', () => {
    for (const t of [0.5, 10, 52, 200]) {
      expect(bgNbdConditionalExpectedPurchases(params, t, { frequency: 0, recency: 0, T: 0 })).toBeCloseTo(bgNbdExpectedPurchases(params, t), 12);
    }
  });

  it('stays finite and smooth for heavy buyers, where the untransformed ₂F₁ overflows', () => {
    const e = (x: number) => bgNbdConditionalExpectedPurchases(params, 52, { frequency: x, recency: 200, T: 200 });
    expect(Number.isFinite(e(2000))).toBe(true);
    expect(Math.abs(e(1001) - e(1000))).toBeLessThan(0.5);
    expect(e(1000)).toBeGreaterThan(e(100));
  });

  it('bridges the removable singularity at a = 1', () => {
    const near = (a: number) => bgNbdExpectedPurchases({ ...params, a }, 39);
    expect(near(1)).toBeCloseTo((near(1 + 1e-4) + near(1 - 1e-4)) / 2, 6);
  });

  it('rejects histories that cannot be', () => {
    expect(() => bgNbdProbabilityAlive(params, { frequency: 1, recency: 5, T: 4 })).toThrow(RangeError);
    expect(() => bgNbdProbabilityAlive(params, { frequency: 1.5, recency: 1, T: 4 })).toThrow(RangeError);
    expect(() => bgNbdProbabilityAlive(params, { frequency: 0, recency: 1, T: 4 })).toThrow(RangeError);
    expect(() => fitBgNbd([])).toThrow(RangeError);
  });
});

// The full cohort (23,570 customers) of which the sample is a 1/10 systematic sample, summarised
// with the published calibration split (asOf 1997-09-30, weeks) so that the fit is comparable.
describe('BG/NBD on the full CDNOW_master cohort', () => {
  const master = summarizeTransactions(parseCdnowMaster(read('CDNOW_master.txt')), { asOf: '1997-09-30', unit: 'weeks' });
  const sample = fitBgNbd(cdnow);
  const fromDefault = fitBgNbd(master);
  const fromElsewhere = fitBgNbd(master, { start: { r: 0.1, alpha: 1, a: 3, b: 10 } });

  it('summarises all 23,570 customers', () => {
    expect(master).toHaveLength(23_570);
  });

  it('converges to the same finite maximum from two starting points', () => {
    expect(fromDefault.converged && fromElsewhere.converged).toBe(true);
    expect(Number.isFinite(fromDefault.logLikelihood)).toBe(true);
    expect(fromElsewhere.logLikelihood).toBeCloseTo(fromDefault.logLikelihood, 4);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(fromElsewhere.params[k] / fromDefault.params[k]).toBeCloseTo(1, 4);
  });

  it('lands inside the sample fit’s 95% intervals, with standard errors about √10 times smaller', () => {
    const se = sample.standardErrors as BgNbdParams;
    const masterSe = fromDefault.standardErrors as BgNbdParams;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fromDefault.params[k] - sample.params[k])).toBeLessThan(1.96 * se[k]);
      expect(se[k] / masterSe[k]).toBeGreaterThan(2);
      expect(se[k] / masterSe[k]).toBeLessThan(5);
    }
  });
});
