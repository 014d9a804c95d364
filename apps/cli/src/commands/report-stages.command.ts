import type { Command } from 'commander';
import Table from 'cli-table3';
import type { DataSource } from 'typeorm';
import { LIFECYCLE_STAGES } from '@lifecycle/domain';
import { type LifecycleDistribution, lifecycleDistribution, lifecycleFamily } from '@lifecycle/projections';
import { withCurrentProjections } from './open-storage';
import { tableStyle } from './output-format';
import { asOfArgument, type ReportFormat, reportFormatOption } from './report-segments.command';

/** Runs `work` on the read store with the lifecycle projection current (see withCurrentProjections). */
const withCurrentLifecycle = <T>(work: (readStore: DataSource) => Promise<T>): Promise<T> =>
  withCurrentProjections([lifecycleFamily], (storage) => work(storage.readStore));

/** `lifecycle report stages [--as-of <date>] [--format table|json|csv]`. */
export function registerStagesReport(report: Command): void {
  report
    .command('stages')
    .description('customers per lifecycle stage (prospect, new, active, dormant, lost) and churn warnings as of a date; default: the log clock')
    .option('--as-of <date>', 'an ISO-8601 date (midnight UTC) or instant', asOfArgument)
    .addOption(reportFormatOption())
    .action(async (options: { asOf?: string; format: ReportFormat }) => {
      const distribution = await withCurrentLifecycle((ds) => lifecycleDistribution(ds, options.asOf));
      process.stdout.write(formatStages(distribution, options.asOf, options.format));
    });
}

export function formatStages(d: LifecycleDistribution | null, asOf: string | undefined, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(d, null, 2)}\n`;
  const rows = LIFECYCLE_STAGES.map((stage) => ({
    stage, customers: d?.stages[stage] ?? 0, share: d && d.customers > 0 ? d.stages[stage] / d.customers : 0, churnWarnings: d?.churnWarningsByStage[stage] ?? 0,
  }));
  if (format === 'csv') {
    return `${['stage,customers,share,churn_warnings', ...rows.map((r) => `${r.stage},${r.customers},${r.share.toFixed(4)},${r.churnWarnings}`)].join('\n')}\n`;
  }
  if (d === null) return `Lifecycle as of ${asOf ?? 'the log clock'}: no lifecycle version built yet\n`;
  const table = new Table({ head: ['stage', 'customers', 'share', 'churn warnings'], style: tableStyle() });
  for (const r of rows) table.push([r.stage, r.customers, `${(r.share * 100).toFixed(1)}%`, r.churnWarnings]);
  table.push(['total', d.customers, '100.0%', d.churnWarnings]);
  return `Lifecycle stages as of ${d.asOf ?? '(empty log)'} (lifecycle v${d.version})\n${table.toString()}\n`;
}
