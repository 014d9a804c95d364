import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { canonicalInstant, parseInstant } from '@lifecycle/domain';
import { type CampaignCommand, campaignReport, simulateCampaign } from '@lifecycle/sagas';
import { campaignMetricsFamily } from '@lifecycle/projections/campaign-metrics/campaign-metrics.family';
import { campaignCounts, campaignEpisodes } from '@lifecycle/projections/campaign-metrics/campaign-metrics.query';
import { loadEngineConfig } from '@lifecycle/engine/config/engine-config';
import { parseCampaignDefinition } from '@lifecycle/engine/campaigns/campaign-definition.dto';
import { CampaignStreams } from '@lifecycle/engine/campaigns/campaign-streams';
import { SystemClock } from '@lifecycle/engine/storage/clock';
import type { Storage } from '@lifecycle/engine/storage/storage';
import { readCampaignHistory } from '@lifecycle/engine/campaigns/simulation/campaign-history';
import { monthlyRfmDescriber } from '@lifecycle/engine/campaigns/simulation/rfm-describer';
import { renderSvg } from './clv-charts';
import { type CampaignReportFormat, formatCampaignReport, reactivationChart } from './campaign-report.format';
import { withCurrentProjections, withStorage } from './open-storage';
import { formatOption, printRows } from './output-format';

export function registerCampaignsCommand(program: Command): void {
  const campaigns = program.command('campaigns').description('win-back campaigns: simulate over the stored history, measure against the holdout');

  campaigns
    .command('create')
    .description('create a campaign (draft) from its definition file; the same id and file again changes nothing')
    .requiredOption('--file <yaml>', 'the campaign definition (see examples/campaigns/winback.yaml)')
    .requiredOption('--id <campaignId>', 'letters, digits, . _ - (no colon)')
    .option('--actor <name>', 'who, recorded with the change', process.env.USER ?? 'cli')
    .action(async (options: { file: string; id: string; actor: string }) => {
      if (!/^[A-Za-z0-9._-]{1,60}$/.test(options.id)) throw new Error('--id: 1-60 letters, digits or . _ -');
      const definition = parseCampaignDefinition(parse(readFileSync(options.file, 'utf8')));
      await run({ type: 'CreateCampaign', data: { campaignId: options.id, definition } }, options.actor);
    });

  for (const [name, type] of [['start', 'StartCampaign'], ['pause', 'PauseCampaign'], ['resume', 'ResumeCampaign'], ['stop', 'StopCampaign']] as const) {
    campaigns
      .command(name)
      .description(`${name} a campaign (recorded with who and when)`)
      .argument('<campaignId>')
      .option('--actor <name>', 'who, recorded with the change', process.env.USER ?? 'cli')
      .action((campaignId: string, options: { actor: string }) => run({ type, data: { campaignId } }, options.actor));
  }

  campaigns
    .command('report')
    .description('treated vs control, per campaign and per stage: reactivation, uplift with its 95% CI, revenue, margin, cost, ROI, coupons')
    .argument('<campaignId>')
    .option('--chart <file.svg>', 'also write the cumulative reactivation chart')
    .addOption(formatOption(['table', 'json', 'csv']))
    .action(async (campaignId: string, options: { chart?: string; format: CampaignReportFormat }) => {
      const report = await withCurrentProjections([campaignMetricsFamily], async (storage) => {
        const { state } = await streamsOf(storage).loadCampaign(campaignId);
        if (!state.definition) throw new Error(`no campaign ${campaignId}`);
        const { episodes, couponDiscounts } = await campaignEpisodes(storage.readStore, campaignId);
        return campaignReport({ campaignId, definition: state.definition, episodes, couponDiscounts });
      });
      process.stdout.write(formatCampaignReport(report, options.format));
      if (options.chart) await writeChart(options.chart, await renderSvg(reactivationChart(report)));
    });

  campaigns
    .command('list')
    .description('every campaign: status, customers enrolled, held out, converted')
    .addOption(formatOption())
    .action(async (options: { format: 'table' | 'json' }) => {
      const rows = await withCurrentProjections([campaignMetricsFamily], async (storage) => {
        const streams = streamsOf(storage);
        return Promise.all((await streams.campaignIds()).map(async (id) => {
          const { state } = await streams.loadCampaign(id);
          const counts = await campaignCounts(storage.readStore, id);
          return { campaign: id, name: state.definition?.name, status: state.status, enrolled: counts.enrolled, heldOut: counts.heldOut, converted: counts.converted, exhausted: counts.exhausted };
        }));
      });
      printRows(rows, options.format);
    });

  campaigns
    .command('simulate')
    .description("run a campaign over the stored history on the history's own clock (actions go nowhere) and print its report")
    .requiredOption('--file <yaml>', 'the campaign definition (see examples/campaigns/winback.yaml)')
    .requiredOption('--from <date>', 'first day of the simulation')
    .requiredOption('--to <date>', 'last day of the simulation')
    .option('--chart <file.svg>', 'also write the cumulative reactivation chart')
    .addOption(formatOption(['table', 'json', 'csv']))
    .action(async (options: { file: string; from: string; to: string; chart?: string; format: CampaignReportFormat }) => {
      const definition = parseCampaignDefinition(parse(readFileSync(options.file, 'utf8')));
      const from = dayStart(options.from, '--from');
      const to = dayEnd(options.to, '--to');
      const history = await withStorage((s) => readCampaignHistory(s.eventStore));
      const { report } = simulateCampaign({
        campaignId: `simulation-${definition.name}`.replace(/[^A-Za-z0-9._:-]/g, '-'), definition, history, from, to,
        describe: monthlyRfmDescriber(history, from, to),
      });
      process.stdout.write(formatCampaignReport(report, options.format));
      if (options.chart) await writeChart(options.chart, await renderSvg(reactivationChart(report)));
    });
}

const streamsOf = (storage: Storage) => new CampaignStreams(storage, new SystemClock(), loadEngineConfig(process.env));

async function run(command: CampaignCommand, actor: string): Promise<void> {
  const state = await withStorage((storage) => streamsOf(storage).execute(command, actor));
  const last = state.history[state.history.length - 1];
  process.stdout.write(`${command.data.campaignId}: ${state.status}${last ? ` (by ${last.by} at ${last.at})` : ''}\n`);
}

async function writeChart(path: string, svg: string): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, svg);
}

const dayStart = (text: string, option: string) => canonicalInstant(requireInstant(text, option));
const dayEnd = (text: string, option: string) => canonicalInstant(requireInstant(text, option) + (/^\d{4}-\d{2}-\d{2}$/.test(text) ? 86_399_999 : 0));

function requireInstant(text: string, option: string): number {
  const t = parseInstant(text);
  if (t === undefined) throw new Error(`${option}: not a date (${text}); use YYYY-MM-DD or an ISO-8601 instant`);
  return t;
}
