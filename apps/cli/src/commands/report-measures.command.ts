import { type Command, InvalidArgumentError } from 'commander';
import { type Measures, periodBounds, type Rate, readMeasures } from '@lifecycle/engine/reports/measures';
import { csvTable } from '@lifecycle/engine/reports/csv';
import { formatOption, printRows } from './output-format';
import { withStorage } from './open-storage';

const parseDate = (text: string): string => {
  try {
    periodBounds({ from: text, to: text });
  } catch {
    throw new InvalidArgumentError('a day (YYYY-MM-DD) or an ISO-8601 instant');
  }
  return text;
};

const pct = (r: Rate) => (r.value === null ? null : Number((100 * r.value).toFixed(2)));
/** Minor units as major ones: cents / 100, yen as they are (the runtime's ISO 4217 data). */
const money = (minor: number | null, currency: string) => {
  if (minor === null) return null;
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return Number((minor / 10 ** digits).toFixed(digits));
};

/** One row per measure: its value, and the counts it comes from, so each can be checked by hand. */
export function measureRows(m: Measures): { measure: string; value: number | null; numerator: number | null; denominator: number | null; unit: string }[] {
  const count = (measure: string, value: number) => ({ measure, value, numerator: null, denominator: null, unit: 'customers' });
  const rate = (measure: string, r: Rate) => ({ measure, value: pct(r), numerator: r.numerator, denominator: r.denominator, unit: '%' });
  return [
    count('customers', m.customers),
    count('new customers', m.newCustomers),
    count('active customers', m.activeCustomers),
    { measure: 'orders', value: m.orders, numerator: null, denominator: null, unit: 'orders' },
    rate('retention rate', m.retentionRate),
    rate('churn rate', m.churnRate),
    rate('repeat-purchase rate', m.repeatPurchaseRate),
    ...Object.entries(m.averageOrderValue).flatMap(([currency, v]) =>
      (['all', 'new', 'returning'] as const).map((group) => ({
        measure: `average order value, ${group === 'all' ? 'all customers' : `${group} customers`}`,
        value: money(v[group].average, currency),
        numerator: money(v[group].total, currency),
        denominator: v[group].orders,
        unit: currency,
      })),
    ),
    rate('satisfaction score', m.satisfactionScore),
    { measure: 'NPS', value: m.nps.value === null ? null : Number(m.nps.value.toFixed(2)), numerator: m.nps.numerator, denominator: m.nps.denominator, unit: 'points (-100..100)' },
    rate('referral rate', m.referralRate),
  ];
}

/** `lifecycle report measures --from <date> --to <date> [--format table|json|csv]`. */
export function registerMeasuresReport(report: Command): void {
  report
    .command('measures')
    .description('retention playbook measures for a period: active customers, retention, repeat purchase, churn, AOV (new vs returning), satisfaction, NPS, referral (defined in the README)')
    .requiredOption('--from <date>', 'first day (or instant) of the period', parseDate)
    .requiredOption('--to <date>', 'last day (or instant) of the period, inclusive', parseDate)
    .addOption(formatOption(['table', 'json', 'csv']))
    .action(async (options: { from: string; to: string; format: 'table' | 'json' | 'csv' }) => {
      try {
        periodBounds(options);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
      const measures = await withStorage((s) => readMeasures(s.eventStore, options));
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify(measures, null, 2)}\n`);
        return;
      }
      const rows = measureRows(measures);
      if (options.format === 'csv') {
        process.stdout.write(csvTable(rows));
        return;
      }
      process.stdout.write(`measures from ${measures.from} to ${measures.to}\n`);
      printRows(rows.map((r) => ({ ...r, value: r.value ?? '-', numerator: r.numerator ?? '', denominator: r.denominator ?? '' })), 'table');
    });
}
