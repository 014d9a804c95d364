import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bgNbdConditionalExpectedPurchases, summarizeTransactions } from '@lifecycle/clv';
import { InMemoryEventStore } from '@lifecycle/event-store';
import { sharedDataFile } from '@lifecycle/testing';
import { appendCustomerEvents } from '@lifecycle/projections/testing/cdnow-log';
import { cdnowSampleEvents } from '@lifecycle/projections/clv/testing/cdnow-sample-log';
import { parseCdnowSample } from '../../../../libs/clv/test/cdnow-files';
import { buildCli } from '../main';

// The CLI reads the log of whatever storage the environment names; here, the CDNOW sample in an
// in-memory event store (the command code is what is under test, not the storage).
const store = new InMemoryEventStore();
jest.mock('./open-storage', () => ({
  withStorage: <T>(work: (storage: { eventStore: InMemoryEventStore }) => Promise<T>) => work({ eventStore: store }),
}));

/** Commander exits on a bad option unless every (sub)command is told to throw instead. */
function throwingInsteadOfExiting(command: Command): Command {
  command.exitOverride().configureOutput({ writeErr: () => undefined });
  command.commands.forEach(throwingInsteadOfExiting);
  return command;
}

async function cli(...args: string[]): Promise<string> {
  let out = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  try {
    await throwingInsteadOfExiting(buildCli()).parseAsync(['node', 'lifecycle', 'clv', ...args]);
  } finally {
    stdout.mockRestore();
  }
  return out;
}

/** |actual − published| within half a unit of the published last digit (as libs/clv's specs). */
function expectToPublishedPrecision(actual: number, published: number, decimals: number) {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

const fileSummary = (asOf: string) => summarizeTransactions(parseCdnowSample(readFileSync(sharedDataFile('CDNOW_sample.txt'), 'utf8')), { asOf, unit: 'weeks' });

interface FitJson {
  asOf: string;
  fit: { model: string; params: Record<string, number>; standardErrors: Record<string, number> | null; logLikelihood: number; customers: number; converged: boolean };
  holdout?: { length: number; classes: { frequency: string; customers: number; actual: number; predicted: number }[] };
}

describe('lifecycle clv on the CDNOW sample log', () => {
  beforeAll(async () => {
    await appendCustomerEvents(store, cdnowSampleEvents());
  });

  // Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way", Marketing Science 24(2)
  // 275–284 (and Hardie's note 004): the figures libs/clv/src/bg-nbd.spec.ts checks.
  it('fits BG/NBD to the published parameters and log-likelihood, with standard errors', async () => {
    const report = JSON.parse(await cli('fit', '--model', 'bgnbd', '--as-of', '1997-09-30', '--unit', 'weeks', '--format', 'json')) as FitJson;
    const { params, logLikelihood, standardErrors, customers, converged } = report.fit;
    expect(converged).toBe(true);
    expect(customers).toBe(2357);
    expectToPublishedPrecision(params.r!, 0.243, 3);
    expectToPublishedPrecision(params.alpha!, 4.414, 3);
    expectToPublishedPrecision(params.a!, 0.793, 3);
    expectToPublishedPrecision(params.b!, 2.426, 3);
    expectToPublishedPrecision(logLikelihood, -9582.4, 1);
    for (const k of ['r', 'alpha', 'a', 'b']) expect(standardErrors![k]).toBeGreaterThan(0);
  });

  // Pareto/NBD in the same paper (and libs/clv/src/pareto-nbd.spec.ts): r 0.553, α 10.578, s 0.606, β 11.669, LL −9595.0.
  it('fits Pareto/NBD to the published parameters', async () => {
    const { fit } = JSON.parse(await cli('fit', '--model', 'paretonbd', '--as-of', '1997-09-30', '--format', 'json')) as FitJson;
    expectToPublishedPrecision(fit.params.r!, 0.553, 3);
    expectToPublishedPrecision(fit.params.alpha!, 10.578, 3);
    expectToPublishedPrecision(fit.params.s!, 0.606, 3);
    expectToPublishedPrecision(fit.params.beta!, 11.669, 3);
    expectToPublishedPrecision(fit.logLikelihood, -9595.0, 1);
  });

  // Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (Hardie note 025): p 6.25,
  // q 3.74, γ 15.44 on the 946 customers with repeat purchases (libs/clv/src/gamma-gamma.spec.ts).
  it('fits gamma-gamma to the published parameters on the repeat buyers, in dollars', async () => {
    const { fit } = JSON.parse(await cli('fit', '--model', 'gammagamma', '--as-of', '1997-09-30', '--format', 'json')) as FitJson;
    expect(fit.customers).toBe(946);
    expectToPublishedPrecision(fit.params.p!, 6.25, 2);
    expectToPublishedPrecision(fit.params.q!, 3.74, 2);
    expectToPublishedPrecision(fit.params.gamma!, 15.44, 2);
  });

  it('prints the fit as a table', async () => {
    const out = (await cli('fit', '--as-of', '1997-09-30')).replace(/\u001b\[\d+m/g, '');
    expect(out).toContain('bgnbd fit as of 1997-09-30 (weeks, amounts in USD)');
    expect(out).toMatch(/│ alpha\s+│ 4\.4136\s+│ 0\.\d+\s+│/);
    expect(out).toContain('log-likelihood -9582.43, customers 2357, converged');
  });

  it('checks the holdout per calibration frequency class against the purchases actually made', async () => {
    const report = JSON.parse(await cli('fit', '--calibration-end', '1997-09-30', '--holdout-end', '1998-06-30', '--format', 'json')) as FitJson;
    const classes = report.holdout!.classes;
    expect(report.holdout!.length).toBe(39);
    expect(classes.map((c) => c.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+', 'total']);
    const total = classes[8]!;
    const calibration = fileSummary('1997-09-30');
    const whole = fileSummary('1998-06-30');
    // Actual: repeat purchases of the cohort in weeks 40–78, counted from the file independently.
    const sum = (rows: { frequency: number }[]) => rows.reduce((s, c) => s + c.frequency, 0);
    expect(total.actual).toBe(sum(whole) - sum(calibration));
    expect(total.customers).toBe(2357);
    expect(classes[0]).toMatchObject({ customers: calibration.filter((c) => c.frequency === 0).length });
    const params = JSON.parse(await cli('fit', '--as-of', '1997-09-30', '--format', 'json')).fit.params;
    const predicted = calibration.reduce((s, c) => s + bgNbdConditionalExpectedPurchases(params, 39, c), 0);
    expect(total.predicted).toBeCloseTo(predicted, 6);
    expect(classes.slice(0, 8).reduce((s, c) => s + c.actual, 0)).toBe(total.actual);
  });

  it('refuses a holdout that ends before the calibration, and a half-given holdout', async () => {
    await expect(cli('fit', '--calibration-end', '1997-09-30', '--holdout-end', '1997-09-01')).rejects.toThrow(/--holdout-end 1997-09-01 must be after/);
    await expect(cli('fit', '--calibration-end', '1997-09-30')).rejects.toThrow(/go together/);
    await expect(cli('fit', '--as-of', '1997-02-30')).rejects.toThrow(/not a date/);
  });

  it('scores every customer as CSV; customer 0001 is Hardie’s (2, 30.43, 38.86) with E[Y(39)] = 1.226', async () => {
    const csv = (await cli('score', '--as-of', '1997-09-30', '--horizon', '39', '--unit', 'weeks', '--discount', '0')).trim().split('\n');
    expect(csv[0]).toBe('customer_id,p_alive,expected_purchases,expected_avg_value,clv');
    expect(csv).toHaveLength(2358);
    const [id, pAlive, expected, value, clv] = csv[1]!.split(',');
    expect(id).toBe('0001');
    expectToPublishedPrecision(Number(expected), 1.226, 3);
    expect(Number(pAlive)).toBeGreaterThan(0);
    expect(Number(pAlive)).toBeLessThan(1);
    // Undiscounted, the CLV is expected purchases × expected value.
    expect(Number(clv)).toBeCloseTo(Number(expected) * Number(value), 2);
  });

  it('discounts the CLV with the monthly rate', async () => {
    const plain = JSON.parse(await cli('score', '--as-of', '1997-09-30', '--horizon', '52', '--discount', '0', '--format', 'json'));
    const discounted = JSON.parse(await cli('score', '--as-of', '1997-09-30', '--horizon', '52', '--discount', '0.01', '--format', 'json'));
    expect(discounted.scores[0].clv).toBeLessThan(plain.scores[0].clv);
    expect(discounted.scores[0].clv).toBeGreaterThan(plain.scores[0].clv / 1.01 ** 12);
  });

  it('writes the tracking plot and the calibration histogram as SVG with both series', async () => {
    const out = await mkdtemp(join(tmpdir(), 'clv-report-'));
    try {
      const printed = (await cli('report', '--calibration-end', '1997-09-30', '--holdout-end', '1998-06-30', '--out', out)).trim().split('\n');
      expect(printed).toEqual([join(out, 'clv-tracking.svg'), join(out, 'clv-calibration-histogram.svg')]);
      const tracking = await readFile(printed[0]!, 'utf8');
      expect(tracking.startsWith('<svg')).toBe(true);
      // One point per week 1 … 78 and series; the actual cumulative count at week 39 is the calibration's 2,457 repeat purchases.
      for (const week of [1, 39, 78]) {
        expect(tracking).toMatch(new RegExp(`"weeks since the cohort's first purchase day: ${week}; cumulative repeat purchases: [0-9.,]+; series: actual"`));
        expect(tracking).toMatch(new RegExp(`"weeks since the cohort's first purchase day: ${week}; cumulative repeat purchases: [0-9.,]+; series: predicted \\(BG/NBD\\)"`));
      }
      expect(tracking).toContain("weeks since the cohort's first purchase day: 39; cumulative repeat purchases: 2457; series: actual");
      const histogram = await readFile(printed[1]!, 'utf8');
      expect(histogram).toContain('repeat purchases in the calibration period: 0; customers: 1411; series: actual');
      expect(histogram.match(/series: predicted \(BG\/NBD\)"/g)).toHaveLength(8);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
