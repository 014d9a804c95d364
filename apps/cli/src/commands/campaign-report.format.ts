import Table from 'cli-table3';
import type { TopLevelSpec } from 'vega-lite';
import type { CampaignReport } from '@lifecycle/sagas';
import { csvTable } from '@lifecycle/engine/reports/csv';
import { tableStyle } from './output-format';

export type CampaignReportFormat = 'table' | 'json' | 'csv';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
const interval = (i: readonly [number, number] | null) => (i ? `[${pct(i[0])}, ${pct(i[1])}]` : 'n/a');

/** One row per line of the report: the whole campaign, then each stage. */
function rows(report: CampaignReport) {
  return [
    { scope: 'campaign', ...comparisonColumns(report.overall), actions_sent: report.stages.reduce((a, s) => a + s.actionsSent, 0), cost: report.cost.total },
    ...report.stages.map((s) => ({ scope: `stage ${s.stage}: ${s.name}`, ...comparisonColumns(s), actions_sent: s.actionsSent, cost: s.cost })),
  ];
}

const comparisonColumns = (c: CampaignReport['overall']) => ({
  treated: c.treated.customers,
  treated_reactivated: c.treated.reactivated,
  treated_rate: c.treated.rate,
  control: c.control.customers,
  control_reactivated: c.control.reactivated,
  control_rate: c.control.rate,
  uplift: c.uplift,
  ci_low: c.interval?.[0] ?? null,
  ci_high: c.interval?.[1] ?? null,
});

export function formatCampaignReport(report: CampaignReport, format: CampaignReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const lines = rows(report);
  if (format === 'csv') {
    return csvTable(lines);
  }
  const c = report.currency;
  const table = new Table({ head: ['', 'treated', 'control', `uplift (${Math.round(report.confidence * 100)}% CI)`, 'actions', 'cost'], style: tableStyle() });
  for (const [l, s] of lines.map((l, i) => [l, i === 0 ? report.overall : report.stages[i - 1]!] as const)) {
    table.push([
      l.scope,
      `${s.treated.reactivated}/${s.treated.customers} (${pct(s.treated.rate)})`,
      `${s.control.reactivated}/${s.control.customers} (${pct(s.control.rate)})`,
      `${pct(s.uplift)} ${interval(s.interval)}`,
      String(l.actions_sent),
      money(l.cost, c),
    ]);
  }
  const r = report.revenue;
  const summary = [
    `${report.name} (${report.campaignId}): reactivation within the attribution window, treated vs control`,
    table.toString(),
    `revenue per customer: treated ${money(r.treatedPerCustomer, c)}, control ${money(r.controlPerCustomer, c)}; incremental revenue ${money(r.incremental, c)}, incremental margin ${money(r.incrementalMargin, c)}`,
    `cost: actions ${money(report.cost.actions, c)} + coupons redeemed ${money(report.cost.coupons, c)} = ${money(report.cost.total, c)}; ROI ${report.roi === null ? 'n/a (no cost)' : pct(report.roi)}`,
    `coupons: ${report.coupons.issued} issued, ${report.coupons.redeemed} redeemed (${report.coupons.redemptionRate === null ? 'n/a' : pct(report.coupons.redemptionRate)})`,
    `converted after: ${Object.entries(report.converted.byStage).map(([k, v]) => `${k} ${v}`).join(', ') || 'nobody'}`,
    `converted by segment at enrolment: ${Object.entries(report.converted.bySegment).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'nobody'}`,
  ];
  return `${summary.join('\n')}\n`;
}

/** Cumulative reactivation by day since enrolment, treated vs control. */
export function reactivationChart(report: CampaignReport): TopLevelSpec {
  const values = report.daily.flatMap((d) => [
    { day: d.day, group: 'treated', rate: d.treated },
    { day: d.day, group: 'control', rate: d.control },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${report.name}: cumulative reactivation, treated vs control`,
    width: 560,
    height: 320,
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'day', type: 'quantitative', title: 'days since enrolment' },
      y: { field: 'rate', type: 'quantitative', title: 'share reactivated', axis: { format: '%' } },
      color: { field: 'group', type: 'nominal', title: null, scale: { domain: ['treated', 'control'], range: ['#d9480f', '#1f2937'] } },
    },
  };
}
