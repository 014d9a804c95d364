import { readFileSync } from 'node:fs';
import { parseCdnowSample, parseNumericCsv } from '../test/cdnow-files';
import {
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanValue,
  type GammaGammaParams,
} from './gamma-gamma';
import { summarizeTransactions } from './summary';
import { sharedDataFile } from '@lifecycle/testing/shared-data';

const read = (name: string) => readFileSync(sharedDataFile(name), 'utf8');

function expectToPublishedPrecision(actual: number, published: number, decimals: number) {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

/** Calibration-period spend of the CDNOW sample, from the transactions (unrounded means). */
const cdnow = summarizeTransactions(parseCdnowSample(read('CDNOW_sample.txt')), { asOf: '1997-09-30', unit: 'weeks' });
/** The same from the shipped file, whose zbar is rounded to the cent. */
const shipped = parseNumericCsv(read('cdnow_customers_summary_with_transactions.csv')).map((r) => ({
  frequency: r.x,
  monetaryValue: r.zbar,
}));

describe('gamma-gamma on the CDNOW sample', () => {
  const fit = fitGammaGamma(cdnow);

  // Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (brucehardie.com/notes/025/),
  // fitted to the 946 CDNOW sample customers with a repeat purchase: p = 6.25, q = 3.74, γ = 15.44.
  // Also CLVTools' tests/testthat/test_correctness_gg.R and lifetimes' GammaGammaFitter test.
  it('recovers the published parameters on the 946 repeat customers', () => {
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    expectToPublishedPrecision(fit.params.p, 6.25, 2);
    expectToPublishedPrecision(fit.params.q, 3.74, 2);
    expectToPublishedPrecision(fit.params.gamma, 15.44, 2);
  });

  // CLVTools' reference log-likelihood for that fit (test_correctness_gg.R, correct.LL = −4055.9177);
  // the note itself is not quoted here for the log-likelihood.
  it("reaches CLVTools' log-likelihood", () => {
    expect(Math.abs(fit.logLikelihood - -4055.9177)).toBeLessThan(5e-4);
  });

  it('fits the cent-rounded shipped file to within 0.01 of the unrounded fit', () => {
    const fromFile = fitGammaGamma(shipped);
    expect(fromFile.customers).toBe(946);
    for (const k of ['p', 'q', 'gamma'] as const) expect(Math.abs(fromFile.params[k] - fit.params[k])).toBeLessThan(0.01);
  });

  it('lands on the same maximum from another start, with finite standard errors', () => {
    const other = fitGammaGamma(cdnow, { start: { p: 1, q: 1, gamma: 1 } });
    for (const k of ['p', 'q', 'gamma'] as const) expect(other.params[k] / fit.params[k]).toBeCloseTo(1, 4);
    const se = fit.standardErrors as GammaGammaParams;
    for (const k of ['p', 'q', 'gamma'] as const) expect(se[k]).toBeGreaterThan(0);
  });

  // Hardie's spreadsheet for note 025, as checked by lifetimes' test_conditional_expected_average_profit:
  // E(M | x, m_x) of the first ten customers of the file. The spreadsheet's parameters are its own
  // unrounded estimates, so the fitted ones are used; agreement is to the cent.
  it("reproduces the spreadsheet's expected average values of the first ten customers", () => {
    const published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    published.forEach((v, i) => {
      expect(Math.abs(gammaGammaConditionalExpectedValue(fit.params, shipped[i]) - v)).toBeLessThanOrEqual(0.01);
    });
  });
});

describe('gamma-gamma expressions', () => {
  const params: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };

  it('shrinks a customer towards the population mean, less as his repeat purchases accumulate', () => {
    const mean = gammaGammaPopulationMeanValue(params);
    expect(mean).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
    expect(gammaGammaConditionalExpectedValue(params, { frequency: 0, monetaryValue: 0 })).toBeCloseTo(mean, 10);
    const gap = (x: number) => Math.abs(gammaGammaConditionalExpectedValue(params, { frequency: x, monetaryValue: 100 }) - 100);
    expect(gap(1)).toBeGreaterThan(gap(5));
    expect(gap(5)).toBeGreaterThan(gap(50));
  });

  it('skips customers without spend information in the likelihood', () => {
    const informative = [
      { frequency: 2, monetaryValue: 30 },
      { frequency: 5, monetaryValue: 12.5 },
    ];
    const withNoise = [...informative, { frequency: 0, monetaryValue: 0 }, { frequency: 3, monetaryValue: 0 }];
    expect(gammaGammaLogLikelihood(params, withNoise)).toBe(gammaGammaLogLikelihood(params, informative));
    expect(() => fitGammaGamma([{ frequency: 0, monetaryValue: 0 }])).toThrow(RangeError);
  });

  it('has an infinite population mean when q ≤ 1', () => {
    expect(gammaGammaPopulationMeanValue({ ...params, q: 0.9 })).toBe(Infinity);
  });
});
