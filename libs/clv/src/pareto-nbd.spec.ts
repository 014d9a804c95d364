import { readFileSync } from 'node:fs';
import { parseCdnowSample } from '../test/cdnow-files';
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  type ParetoNbdParams,
} from './pareto-nbd';
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

function expectToPublishedPrecision(actual: number, published: number, decimals: number) {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

describe('Pareto/NBD on the CDNOW sample', () => {
  const fit = fitParetoNbd(cdnow);

  // Fader, Hardie & Lee (2005), Marketing Science 24(2), the Pareto/NBD benchmark fitted to the same
  // data: r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9595.0. Quoted by CLVTools
  // (tests/testthat/test_correctness_pnbd.R, "As also reported ... in Fader, Hardie, Lee (2005)")
  // and by lifetimes' test_params_out_is_close_to_Hardie_paper.
  it('recovers the published parameters and log-likelihood', () => {
    expect(fit.converged).toBe(true);
    expectToPublishedPrecision(fit.params.r, 0.553, 3);
    expectToPublishedPrecision(fit.params.alpha, 10.578, 3);
    expectToPublishedPrecision(fit.params.s, 0.606, 3);
    expectToPublishedPrecision(fit.params.beta, 11.669, 3);
    expectToPublishedPrecision(fit.logLikelihood, -9595.0, 1);
  });

  // CLVTools' reference standard errors for this fit (test_correctness_pnbd.R,
  // fct.testthat.correctness.clvfitted.nocov.correct.se): r 0.0476264, α 0.8427222,
  // s 0.1872594, β 6.2105448. Both are numerical Hessians, so they agree to about 0.1%, not to
  // the printed digits; β's large error is the model's flat ridge, not noise.
  it("matches CLVTools' standard errors to within 1%", () => {
    const se = fit.standardErrors as ParetoNbdParams;
    const reference: ParetoNbdParams = { r: 0.0476264, alpha: 0.8427222, s: 0.1872594, beta: 6.2105448 };
    for (const k of ['r', 'alpha', 's', 'beta'] as const) expect(se[k] / reference[k]).toBeCloseTo(1, 2);
  });

  it('lands on the same maximum from the all-ones start CLVTools and lifetimes use', () => {
    const other = fitParetoNbd(cdnow, { start: { r: 1, alpha: 1, s: 1, beta: 1 } });
    expect(other.logLikelihood).toBeCloseTo(fit.logLikelihood, 4);
    for (const k of ['r', 'alpha', 's', 'beta'] as const) expect(other.params[k] / fit.params[k]).toBeCloseTo(1, 3);
  });

  // BTYD walkthrough vignette (Dziurzynski, Wadsworth & McCarthy, "Buy 'Til You Die – A
  // Walkthrough", p. 8), as used by lifetimes' test_conditional_expectation_returns_same_value_as_R_BTYD:
  // 25.46 expected transactions in 52 weeks for x = 26, t_x = 30.86, T = 31. (With the
  // walkthrough's printed 4-decimal parameters the expression gives 25.455; with the MLE, 25.456.)
  it('reproduces the BTYD walkthrough conditional expectation for customer (26, 30.86, 31)', () => {
    const h = { frequency: 26, recency: 30.86, T: 31 };
    expectToPublishedPrecision(paretoNbdConditionalExpectedPurchases(fit.params, 52, h), 25.46, 2);
  });
});

describe('Pareto/NBD expressions', () => {
  // BTYD walkthrough p. 8, lifetimes' test_conditional_probability_alive: with the walkthrough's
  // estimates (0.5534, 10.5802, 0.6061, 11.6562), P(alive | 26, 30.86, 31) = 0.9979.
  it('reproduces the BTYD walkthrough P(alive)', () => {
    const btyd: ParetoNbdParams = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
    expectToPublishedPrecision(paretoNbdProbabilityAlive(btyd, { frequency: 26, recency: 30.86, T: 31 }), 0.9979, 4);
  });

  // BTYD reference manual, pnbd.Expectation example (params c(0.55, 10.56, 0.61, 11.64)), values
  // for t = 0…9 as printed in lifetimes' test_expectation_returns_same_value_as_R_BTYD.
  it('reproduces the BTYD manual E[X(t)] to the 8 printed decimals', () => {
    const params: ParetoNbdParams = { r: 0.55, alpha: 10.56, s: 0.61, beta: 11.64 };
    const published = [0, 0.05077821, 0.09916088, 0.14542507, 0.1897993, 0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211];
    published.forEach((v, t) => expectToPublishedPrecision(paretoNbdExpectedPurchases(params, t), v, 8));
  });

  const params: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

  it('is continuous where the likelihood switches branch at α = β', () => {
    const customers = [
      { frequency: 0, recency: 0, T: 38 },
      { frequency: 4, recency: 20, T: 38 },
      { frequency: 40, recency: 37, T: 38 },
    ];
    const at = (alpha: number) => paretoNbdLogLikelihood({ ...params, alpha, beta: 11 }, customers);
    expect(at(11 + 1e-9)).toBeCloseTo(at(11), 6);
    expect(at(11 - 1e-9)).toBeCloseTo(at(11), 6);
  });

  it('keeps P(alive) in (0, 1], lets a silent one-time buyer die, and is 1 for a purchase at T', () => {
    for (const x of [0, 1, 10, 100]) {
      for (const tx of x === 0 ? [0] : [0.5, 10, 39]) {
        const p = paretoNbdProbabilityAlive(params, { frequency: x, recency: tx, T: 39 });
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
    expect(paretoNbdProbabilityAlive(params, { frequency: 0, recency: 0, T: 39 })).toBeLessThan(0.5);
    expect(paretoNbdProbabilityAlive(params, { frequency: 5, recency: 39, T: 39 })).toBe(1);
  });

  it('stays finite and smooth for heavy buyers on both branches', () => {
    for (const p of [params, { ...params, alpha: 20, beta: 2 }]) {
      const e = (x: number) => paretoNbdConditionalExpectedPurchases(p, 10, { frequency: x, recency: 200, T: 200 });
      expect(Number.isFinite(e(3000))).toBe(true);
      expect(Math.abs(e(133) - e(132))).toBeLessThan(0.1);
    }
  });

  it('is continuous through s = 1, where [1 − u^(s−1)]/(s−1) becomes −ln u', () => {
    const e = (s: number) => paretoNbdExpectedPurchases({ ...params, s }, 52);
    expect(e(1)).toBeCloseTo(e(1 + 1e-7), 5);
    expect(e(1)).toBeCloseTo(e(1 - 1e-7), 5);
  });
});
