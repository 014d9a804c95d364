import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CustomerSummary, summarizeTransactions, type TimeUnit, type Transaction, utcDayNumber } from '@lifecycle/clv';
import type { EventStore } from '@lifecycle/event-store';
import {
  bgNbdProbabilityOfCount,
  calibrationHistogram,
  CLV_MODELS,
  type ClvModel,
  type CustomerScore,
  fitModel,
  holdoutCheck,
  type HoldoutClass,
  type ModelFit,
  scoreCustomers,
  TIME_UNITS,
  trackingSeries,
  transactionCurves,
  TRANSACTION_MODELS,
  type TransactionModel,
} from '@lifecycle/projections/clv/clv-model';
import { csvCell } from '@lifecycle/engine/reports/csv';
import { readPurchaseHistory } from '@lifecycle/engine/reports/purchase-history';
import { histogramChart, renderSvg, trackingChart } from './clv-charts';
import { withStorage } from './open-storage';
import { formatOption, printRows } from './output-format';

/**
 * `lifecycle clv fit|score|report`: the customer-base models (libs/clv) on the purchases in the
 * log (readPurchaseHistory: one transaction per order, refunds netted on the order's day). Dates are
 * UTC days; a day is observed to its end, so purchases made on the as-of day count.
 */

const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { days: 1, weeks: 7 };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(value: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(value)) || new Date(value).toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError(`"${value}" is not a date YYYY-MM-DD`);
  }
  return value;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a positive number`);
  return n;
}

function parseRate(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !(n < 1) || value.trim() === '') throw new InvalidArgumentError(`"${value}" is not a rate in [0, 1)`);
  return n;
}

const endOfDay = (day: string) => `${day}T23:59:59.999Z`;

/** The customer-base summary as of the end of `day`, from what the log knew then. */
async function summaryAsOf(eventStore: EventStore, day: string, unit: TimeUnit): Promise<{ summaries: CustomerSummary[]; transactions: Transaction[]; currency: string | null }> {
  const history = await readPurchaseHistory(eventStore, { until: endOfDay(day) });
  return { summaries: summarizeTransactions(history.transactions, { asOf: day, unit }), transactions: history.transactions, currency: history.currency };
}

export interface HoldoutReport {
  readonly calibrationEnd: string;
  readonly holdoutEnd: string;
  /** The holdout's length in the model's unit. */
  readonly length: number;
  readonly classes: readonly HoldoutClass[];
}

/** Repeat purchases (distinct purchase days) of the calibration customers in (calibrationEnd, holdoutEnd]. */
function holdoutPurchases(calibration: readonly CustomerSummary[], later: readonly Transaction[], calibrationEnd: string): Map<string, number> {
  const cohort = new Set(calibration.map((c) => c.customerId));
  const after = utcDayNumber(calibrationEnd);
  const days = new Map<string, Set<number>>();
  for (const t of later) {
    if (!cohort.has(t.customerId)) continue;
    const day = utcDayNumber(t.at);
    if (day <= after) continue;
    let set = days.get(t.customerId);
    if (set === undefined) days.set(t.customerId, (set = new Set()));
    set.add(day);
  }
  return new Map([...days].map(([id, set]) => [id, set.size]));
}

function assertHoldoutDates(calibrationEnd: string, holdoutEnd: string): void {
  if (holdoutEnd <= calibrationEnd) throw new InvalidArgumentError(`--holdout-end ${holdoutEnd} must be after --calibration-end ${calibrationEnd}`);
}

export interface ClvFitOptions {
  readonly model: ClvModel;
  readonly unit: TimeUnit;
  /** The fit's as-of day; with a holdout check, the calibration end is the as-of day. */
  readonly asOf?: string;
  readonly calibrationEnd?: string;
  readonly holdoutEnd?: string;
}

export interface ClvFitReport {
  readonly asOf: string;
  readonly currency: string | null;
  readonly fit: ModelFit;
  readonly holdout?: HoldoutReport;
}

export async function clvFit(eventStore: EventStore, options: ClvFitOptions): Promise<ClvFitReport> {
  const { calibrationEnd, holdoutEnd } = options;
  if ((calibrationEnd === undefined) !== (holdoutEnd === undefined)) throw new InvalidArgumentError('--calibration-end and --holdout-end go together');
  if (calibrationEnd !== undefined && options.asOf !== undefined && options.asOf !== calibrationEnd) {
    throw new InvalidArgumentError('--as-of differs from --calibration-end: the holdout check fits as of the calibration end');
  }
  const asOf = calibrationEnd ?? options.asOf;
  if (asOf === undefined) throw new InvalidArgumentError('--as-of <date> (or --calibration-end with --holdout-end) is required');
  const { summaries, currency } = await summaryAsOf(eventStore, asOf, options.unit);
  if (summaries.length === 0) throw new InvalidArgumentError(`no purchase on or before ${asOf}`);
  const fit = fitModel(options.model, summaries, options.unit);
  if (calibrationEnd === undefined || holdoutEnd === undefined) return { asOf, currency, fit };
  assertHoldoutDates(calibrationEnd, holdoutEnd);
  if (options.model === 'gammagamma') throw new InvalidArgumentError('the holdout check counts purchases: use --model bgnbd or paretonbd');
  const later = await readPurchaseHistory(eventStore, { until: endOfDay(holdoutEnd) });
  const length = (utcDayNumber(holdoutEnd) - utcDayNumber(calibrationEnd)) / DAYS_PER_UNIT[options.unit];
  const classes = holdoutCheck(transactionCurves(options.model, fit.params), summaries, holdoutPurchases(summaries, later.transactions, calibrationEnd), length);
  return { asOf, currency, fit, holdout: { calibrationEnd, holdoutEnd, length, classes } };
}

export interface ClvScoreOptions {
  readonly model: TransactionModel;
  readonly asOf: string;
  readonly unit: TimeUnit;
  readonly horizon: number;
  readonly monthlyDiscountRate: number;
}

export interface ClvScoreReport {
  readonly asOf: string;
  readonly currency: string | null;
  readonly transactionFit: ModelFit;
  readonly spendFit: ModelFit;
  readonly scores: readonly CustomerScore[];
}

/** Fits the transaction model and gamma-gamma as of `asOf`, then scores every customer seen by then. */
export async function clvScore(eventStore: EventStore, options: ClvScoreOptions): Promise<ClvScoreReport> {
  const { summaries, currency } = await summaryAsOf(eventStore, options.asOf, options.unit);
  if (summaries.length === 0) throw new InvalidArgumentError(`no purchase on or before ${options.asOf}`);
  const transactionFit = fitModel(options.model, summaries, options.unit);
  const spendFit = fitModel('gammagamma', summaries, options.unit);
  const spend = { p: spendFit.params.p!, q: spendFit.params.q!, gamma: spendFit.params.gamma! };
  const scores = scoreCustomers(options.model, transactionFit.params, spend, summaries, options);
  return { asOf: options.asOf, currency, transactionFit, spendFit, scores };
}

export interface ClvReportOptions {
  readonly calibrationEnd: string;
  readonly holdoutEnd: string;
  readonly unit: TimeUnit;
  readonly out: string;
}

export interface ClvChartsReport {
  readonly files: readonly string[];
  readonly fit: ModelFit;
  readonly tracking: ReturnType<typeof trackingSeries>;
  readonly histogram: ReturnType<typeof calibrationHistogram>;
}

/**
 * The BG/NBD calibration/holdout charts of Fader, Hardie & Lee (2005): the tracking plot and the
 * calibration histogram, written as SVG files into `out`. Time 0 is the start of the cohort's
 * first purchase day; the cohort is every customer who bought by the calibration end.
 */
export async function clvReport(eventStore: EventStore, options: ClvReportOptions): Promise<ClvChartsReport> {
  assertHoldoutDates(options.calibrationEnd, options.holdoutEnd);
  const perUnit = DAYS_PER_UNIT[options.unit];
  const { summaries } = await summaryAsOf(eventStore, options.calibrationEnd, options.unit);
  if (summaries.length === 0) throw new InvalidArgumentError(`no purchase on or before ${options.calibrationEnd}`);
  const fit = fitModel('bgnbd', summaries, options.unit);
  const curves = transactionCurves('bgnbd', fit.params);
  const later = (await readPurchaseHistory(eventStore, { until: endOfDay(options.holdoutEnd) })).transactions;

  const calibrationEndDay = utcDayNumber(options.calibrationEnd);
  const firstDays = new Map<string, number>();
  for (const c of summaries) firstDays.set(c.customerId, Math.round(calibrationEndDay - c.T * perUnit));
  const origin = Math.min(...firstDays.values());
  // Every event sits at the end of its day: a purchase on the origin day happens at 1 day.
  const timeOf = (day: number) => (day - origin + 1) / perUnit;
  const repeatDays = new Map<string, Set<number>>();
  for (const t of later) {
    const first = firstDays.get(t.customerId);
    const day = utcDayNumber(t.at);
    if (first === undefined || day <= first) continue;
    let set = repeatDays.get(t.customerId);
    if (set === undefined) repeatDays.set(t.customerId, (set = new Set()));
    set.add(day);
  }
  const repeatTimes = [...repeatDays.values()].flatMap((set) => [...set].map(timeOf));
  const births = [...firstDays.values()].map(timeOf);
  const tracking = trackingSeries(curves, births, repeatTimes, timeOf(utcDayNumber(options.holdoutEnd)));
  const params = fit.params as { r: number; alpha: number; a: number; b: number };
  const histogram = calibrationHistogram(summaries, (x, T) => bgNbdProbabilityOfCount(params, x, T));

  await mkdir(options.out, { recursive: true });
  const title = `${options.calibrationEnd} calibration, ${options.holdoutEnd} holdout end, ${summaries.length} customers`;
  const files = [join(resolve(options.out), 'clv-tracking.svg'), join(resolve(options.out), 'clv-calibration-histogram.svg')];
  await writeFile(files[0]!, await renderSvg(trackingChart(tracking, { model: 'BG/NBD', unit: options.unit, calibrationEnd: timeOf(calibrationEndDay), title: `Cumulative repeat purchases: ${title}` })));
  await writeFile(files[1]!, await renderSvg(histogramChart(histogram, { model: 'BG/NBD', title: `Repeat purchases in the calibration period: ${title}` })));
  return { files, fit, tracking, histogram };
}

const round = (x: number, digits = 6) => Number(x.toFixed(digits));

function printFit(report: ClvFitReport, format: 'table' | 'json'): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const { fit } = report;
  process.stdout.write(`${fit.model} fit as of ${report.asOf} (${fit.unit}${report.currency ? `, amounts in ${report.currency}` : ''})\n`);
  printRows(
    Object.entries(fit.params).map(([name, value]) => ({ parameter: name, estimate: round(value, 4), 'standard error': fit.standardErrors ? round(fit.standardErrors[name]!, 4) : 'n/a' })),
    'table',
  );
  process.stdout.write(`log-likelihood ${round(fit.logLikelihood, 2)}, customers ${fit.customers}, ${fit.converged ? 'converged' : 'NOT converged'} after ${fit.iterations} iterations\n`);
  if (report.holdout) {
    const h = report.holdout;
    process.stdout.write(`\nholdout ${h.calibrationEnd} .. ${h.holdoutEnd} (${round(h.length, 2)} ${fit.unit}): repeat purchases by calibration frequency\n`);
    printRows(h.classes.map((c) => ({ frequency: c.frequency, customers: c.customers, actual: c.actual, predicted: round(c.predicted, 1) })), 'table');
  }
}

export function registerClvCommand(program: Command): void {
  const clv = program.command('clv').description('customer-base forecasting: BG/NBD, Pareto/NBD, gamma-gamma on the purchases in the log');
  const unitOption = () => new Option('--unit <unit>', 'time unit of the models').choices(TIME_UNITS as string[]).default('weeks');

  clv
    .command('fit')
    .description('fit a model; prints parameters, standard errors, log-likelihood, customers (and the holdout check)')
    .addOption(new Option('--model <model>', 'the model').choices(CLV_MODELS as unknown as string[]).default('bgnbd'))
    .option('--as-of <date>', 'last day observed (YYYY-MM-DD, inclusive)', parseDay)
    .addOption(unitOption())
    .option('--calibration-end <date>', 'fit as of this day and check the holdout after it', parseDay)
    .option('--holdout-end <date>', 'last day of the holdout', parseDay)
    .addOption(formatOption())
    .action(async (o: { model: ClvModel; asOf?: string; unit: TimeUnit; calibrationEnd?: string; holdoutEnd?: string; format: 'table' | 'json' }) => {
      printFit(await withStorage((s) => clvFit(s.eventStore, o)), o.format);
    });

  clv
    .command('score')
    .description('P(alive), expected purchases, expected average value and CLV of every customer')
    .addOption(new Option('--model <model>', 'the transaction model (the spend model is gamma-gamma)').choices(TRANSACTION_MODELS as unknown as string[]).default('bgnbd'))
    .requiredOption('--as-of <date>', 'last day observed (YYYY-MM-DD, inclusive)', parseDay)
    .requiredOption('--horizon <n>', 'forecast horizon in --unit (expected purchases and CLV cover it)', parsePositive)
    .addOption(unitOption())
    .option('--discount <rate>', 'monthly discount rate of the CLV (months of 30 days / 4.345 weeks)', parseRate, 0.01)
    .addOption(formatOption(['csv', 'json']))
    .action(async (o: { model: TransactionModel; asOf: string; horizon: number; unit: TimeUnit; discount: number; format: 'csv' | 'json' }) => {
      const report = await withStorage((s) => clvScore(s.eventStore, { ...o, monthlyDiscountRate: o.discount }));
      if (o.format === 'json') {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const lines = ['customer_id,p_alive,expected_purchases,expected_avg_value,clv'];
      for (const s of report.scores) lines.push(`${csvCell(s.customerId)},${round(s.pAlive)},${round(s.expectedPurchases)},${round(s.expectedAvgValue, 4)},${round(s.clv, 4)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  clv
    .command('report')
    .description('SVG charts of the BG/NBD calibration/holdout check: tracking plot and calibration histogram')
    .requiredOption('--calibration-end <date>', 'fit as of this day (YYYY-MM-DD)', parseDay)
    .requiredOption('--holdout-end <date>', 'track until this day (YYYY-MM-DD)', parseDay)
    .addOption(unitOption())
    .requiredOption('--out <dir>', 'folder the SVG files are written to')
    .action(async (o: ClvReportOptions) => {
      const report = await withStorage((s) => clvReport(s.eventStore, o));
      for (const file of report.files) process.stdout.write(`${file}\n`);
    });
}

