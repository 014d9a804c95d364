import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CampaignCommand, type CampaignDefinition, type CampaignReport, campaignReport, type CampaignState } from '@lifecycle/sagas';
import { type CampaignCounts, campaignCounts, campaignEpisodes } from '@lifecycle/projections/campaign-metrics/campaign-metrics.query';
import { ApiError } from '../errors/api-error';
import { Storage } from '../storage/storage';
import { ProjectionHost } from '../projections/projection-host';
import { CampaignStreams } from './campaign-streams';

export class RunCampaignCommand {
  constructor(readonly command: CampaignCommand, readonly actor: string) {}
}

export interface CampaignView {
  readonly campaignId: string;
  readonly status: CampaignState['status'];
  readonly definition: CampaignDefinition;
  /** Every change of status, with who and when. */
  readonly history: CampaignState['history'];
  readonly customers: CampaignCounts;
}

@CommandHandler(RunCampaignCommand)
export class RunCampaignHandler implements ICommandHandler<RunCampaignCommand, CampaignState> {
  constructor(private readonly streams: CampaignStreams) {}

  execute({ command, actor }: RunCampaignCommand): Promise<CampaignState> {
    return this.streams.execute(command, actor);
  }
}

export class GetCampaignQuery {
  constructor(readonly campaignId: string) {}
}

@QueryHandler(GetCampaignQuery)
export class GetCampaignHandler implements IQueryHandler<GetCampaignQuery, CampaignView> {
  constructor(private readonly streams: CampaignStreams, private readonly storage: Storage, private readonly projections: ProjectionHost) {}

  async execute({ campaignId }: GetCampaignQuery): Promise<CampaignView> {
    const { state } = await this.streams.loadCampaign(campaignId);
    if (state.status === 'none') throw ApiError.notFound('CAMPAIGN.NOT_FOUND', `no campaign ${campaignId}`);
    await this.projections.catchUp('campaign-metrics');
    return { campaignId, status: state.status, definition: state.definition!, history: state.history, customers: await campaignCounts(this.storage.readStore, campaignId) };
  }
}

export class GetCampaignReportQuery {
  constructor(readonly campaignId: string) {}
}

@QueryHandler(GetCampaignReportQuery)
export class GetCampaignReportHandler implements IQueryHandler<GetCampaignReportQuery, CampaignReport> {
  constructor(private readonly streams: CampaignStreams, private readonly storage: Storage, private readonly projections: ProjectionHost) {}

  async execute({ campaignId }: GetCampaignReportQuery): Promise<CampaignReport> {
    const { state } = await this.streams.loadCampaign(campaignId);
    if (state.status === 'none') throw ApiError.notFound('CAMPAIGN.NOT_FOUND', `no campaign ${campaignId}`);
    await this.projections.catchUp('campaign-metrics');
    const { episodes, couponDiscounts } = await campaignEpisodes(this.storage.readStore, campaignId);
    return campaignReport({ campaignId, definition: state.definition!, episodes, couponDiscounts });
  }
}
