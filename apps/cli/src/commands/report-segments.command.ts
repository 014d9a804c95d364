import { type Command, InvalidArgumentError } from 'commander';
import Table from 'cli-table3';
import type { DataSource } from 'typeorm';
import { parseAsOf, rfmFamily, type SegmentDistribution, type SegmentShare, segmentDistribution } from '@lifecycle/projections';
import { csvCell } from '@lifecycle/engine/reports/csv';
import { withCurrentProjections } from './open-storage';
import { formatOption } from './output-format';

export type ReportFormat = 'table' | 'json' | 'csv';
export const reportFormatOption = () => formatOption(['table', 'json', 'csv']);

/** A date (midnight UTC) or an ISO-8601 instant, as commander's argument parser. */
export const asOfArgument = (text: string): string => {
  try {
    return parseAsOf(text);
  } catch {
    throw new InvalidArgumentError('an ISO-8601 date (midnight UTC) or instant');
  }
};

/** Runs `work` on the read store with the rfm projection current (see withCurrentProjections). */
export const withCurrentRfm = <T>(work: (readStore: DataSource) => Promise<T>): Promise<T> =>
  withCurrentProjections([rfmFamily], (storage) => work(storage.readStore));

/** `lifecycle report segments --as-of <date> [--format table|json|csv]`. */
export function registerSegmentsReport(report: Command): void {
  report
    .command('segments')
    .description('RFM segments of the whole population as of a date: customers, share, mean R/F/M and monetary per segment and per value group')
    .requiredOption('--as-of <date>', 'an ISO-8601 date (midnight UTC) or instant', asOfArgument)
    .addOption(reportFormatOption())
    .action(async (options: { asOf: string; format: ReportFormat }) => {
      const distribution = await withCurrentRfm((ds) => segmentDistribution(ds, options.asOf));
      process.stdout.write(formatSegments(distribution, options.format));
    });
}

export function formatSegments(d: SegmentDistribution, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(d, null, 2)}\n`;
  if (format === 'csv') {
    // basis and mean_clv come last, so that the older columns keep their places.
    const lines = ['group,name,customers,share,mean_r,mean_f,mean_m,mean_recency_days,mean_frequency,mean_monetary,monetary,basis,mean_clv'];
    const line = (group: string, s: SegmentShare) =>
      [
        group, csvCell(s.name), s.customers, round(s.share, 4), round(s.meanR, 2), round(s.meanF, 2), round(s.meanM, 2), round(s.meanRecencyDays, 1), round(s.meanFrequency, 2),
        s.meanMonetary, s.monetary, s.basis ?? '', s.meanClv === undefined ? '' : round(s.meanClv, 2),
      ].join(',');
    for (const s of d.segments) lines.push(line('segment', s));
    for (const s of d.valueGroups) lines.push(line('value_group', s));
    return `${lines.join('\n')}\n`;
  }
  const head = ['customers', 'share', 'mean R', 'mean F', 'mean M', 'mean recency (days)', 'mean orders', 'mean monetary', 'monetary'];
  const withClv = d.valueGroups.some((g) => g.meanClv !== undefined);
  const table = (title: string, rows: readonly SegmentShare[], groups: boolean) => {
    const t = new Table({ head: [title, ...(groups ? ['basis'] : []), ...head, ...(groups && withClv ? ['mean CLV'] : [])] });
    for (const s of rows) {
      t.push([
        s.name, ...(groups ? [s.basis ?? ''] : []), s.customers, `${(s.share * 100).toFixed(1)}%`, s.meanR.toFixed(2), s.meanF.toFixed(2), s.meanM.toFixed(2), s.meanRecencyDays.toFixed(1),
        s.meanFrequency.toFixed(2), s.meanMonetary, s.monetary, ...(groups && withClv ? [s.meanClv === undefined ? '' : s.meanClv.toFixed(2)] : []),
      ]);
    }
    return t.toString();
  };
  const title =
    d.projectionVersion === null
      ? `RFM as of ${d.asOf}: no rfm version built yet`
      : `RFM as of ${d.asOf} (rfm v${d.projectionVersion}, ${d.windowDays}-day window): ${d.customers} customers; money in minor units`;
  const basis = d.valueGroupsBy === null ? '' : `${describeValueGroupsBy(d.valueGroupsBy)}\n`;
  return `${title}\n${table('segment', d.segments, false)}\n${basis}${table('value group', d.valueGroups, true)}\n`;
}

/**
 * One line on what gave the value groups: the M score, or the CLV score with the fits it came from,
 * and the customers left on M with the reason.
 */
export function describeValueGroupsBy(by: NonNullable<SegmentDistribution['valueGroupsBy']>): string {
  if (by.configured === 'monetary') return `value groups by M score (${by.monetary} customers)`;
  const fallbacks = by.fallbacks.map((f) => `${f.customers} by M score, ${f.code}: ${f.reason}`);
  if (by.clv === 0) return ['value groups by M score, not CLV as the version asks', ...fallbacks].join('; ');
  const src = by.clvSource!;
  const clv =
    `value groups by CLV score: ${by.clv} customers ranked by CLV (clv v${src.projectionVersion} as of the end of ${src.asOf}, ` +
    `${src.fits.transaction.model} ${src.fits.transaction.version} + ${src.fits.spend.model} ${src.fits.spend.version}, ${src.horizon.length} ${src.horizon.unit}, ${src.currency})`;
  return [clv, ...fallbacks].join('; ');
}

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));
