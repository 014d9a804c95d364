import { type Command, InvalidArgumentError, Option } from 'commander';
import type { TimeUnit } from '@lifecycle/clv';
import { observedUntil, repeatSummary, repeatSummaryCsv } from '@lifecycle/engine/reports/repeat-summary';
import { withStorage } from './open-storage';
import { formatOption } from './output-format';

const parseAsOf = (text: string): string => {
  try {
    observedUntil(text);
  } catch {
    throw new InvalidArgumentError('a day (YYYY-MM-DD, observed to its end) or an ISO-8601 instant');
  }
  return text;
};

const parseDecimals = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 12) throw new InvalidArgumentError('a whole number from 0 to 12');
  return n;
};

/** `lifecycle report repeat-summary --as-of <date> --unit days|weeks --format csv`. */
export function registerRepeatSummaryReport(report: Command): void {
  report
    .command('repeat-summary')
    .description('per customer: frequency (repeat purchase days), recency, T, monetary_value (mean spend of the repeat days), as the CLV models take them')
    .requiredOption('--as-of <date>', 'end of the observation (a day is observed to its end)', parseAsOf)
    .addOption(new Option('--unit <unit>', 'time unit of recency and T').choices(['days', 'weeks']).default('weeks'))
    .addOption(formatOption(['csv']))
    .addOption(new Option('--currency <code>', 'ISO 4217: needed when the log holds several currencies'))
    .addOption(new Option('--decimals <n>', 'decimal places of recency, T and monetary_value').argParser(parseDecimals).default(2))
    .action(async (options: { asOf: string; unit: TimeUnit; currency?: string; decimals: number }) => {
      const summary = await withStorage((s) => repeatSummary(s.eventStore, { asOf: options.asOf, unit: options.unit, currency: options.currency }));
      process.stdout.write(repeatSummaryCsv(summary.rows, options.decimals));
      if (summary.currency) process.stderr.write(`${summary.rows.length} customers; monetary_value in ${summary.currency}\n`);
    });
}
