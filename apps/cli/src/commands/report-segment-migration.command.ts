import type { Command } from 'commander';
import Table from 'cli-table3';
import { type SegmentMigration, segmentMigration } from '@lifecycle/projections';
import { csvCell } from '@lifecycle/engine/reports/csv';
import { asOfArgument, describeValueGroupsBy, type ReportFormat, reportFormatOption, withCurrentRfm } from './report-segments.command';

/** `lifecycle report segment-migration --from <date> --to <date> [--format table|json|csv]`. */
export function registerSegmentMigrationReport(report: Command): void {
  report
    .command('segment-migration')
    .description('customers moving between RFM segments and value groups from one date to another: from x to count matrices')
    .requiredOption('--from <date>', 'an ISO-8601 date (midnight UTC) or instant', asOfArgument)
    .requiredOption('--to <date>', 'an ISO-8601 date (midnight UTC) or instant', asOfArgument)
    .addOption(reportFormatOption())
    .action(async (options: { from: string; to: string; format: ReportFormat }) => {
      const migration = await withCurrentRfm((ds) => segmentMigration(ds, options.from, options.to));
      process.stdout.write(formatMigration(migration, options.format));
    });
}

const NOT_SCORED = '(not scored)';

type Cells = SegmentMigration['cells'];

export function formatMigration(m: SegmentMigration, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(m, null, 2)}\n`;
  if (format === 'csv') {
    const rows = (dimension: string, cells: Cells) => cells.map((c) => `${dimension},${csvCell(c.from)},${csvCell(c.to)},${c.customers}`);
    return `dimension,from,to,customers\n${[...rows('segment', m.cells), ...rows('value_group', m.valueGroupCells)].join('\n')}\n`;
  }
  const title = `RFM segment migration ${m.from} -> ${m.to}${m.projectionVersion === null ? ': no rfm version built yet' : ` (rfm v${m.projectionVersion})`}`;
  const parts = [title, matrix('segment', m.cells)];
  if (m.valueGroupsBy.from !== null && m.valueGroupsBy.to !== null) {
    parts.push(`${m.from}: ${describeValueGroupsBy(m.valueGroupsBy.from)}`, `${m.to}: ${describeValueGroupsBy(m.valueGroupsBy.to)}`, matrix('value group', m.valueGroupCells));
  }
  return `${parts.join('\n')}\n`;
}

function matrix(dimension: string, cells: Cells): string {
  const label = (name: string | null) => name ?? NOT_SCORED;
  // Alphabetical, with the customers not scored at a date last.
  const order = (a: string, b: string) => (a === NOT_SCORED ? 1 : b === NOT_SCORED ? -1 : a.localeCompare(b));
  const froms = [...new Set(cells.map((c) => label(c.from)))].sort(order);
  const tos = [...new Set(cells.map((c) => label(c.to)))].sort(order);
  const table = new Table({ head: [`${dimension}: from \\ to`, ...tos, 'total'] });
  for (const from of froms) {
    const row = tos.map((to) => cells.find((c) => label(c.from) === from && label(c.to) === to)?.customers ?? 0);
    table.push([from, ...row.map((n) => (n === 0 ? '' : String(n))), String(row.reduce((a, b) => a + b, 0))]);
  }
  return table.toString();
}
