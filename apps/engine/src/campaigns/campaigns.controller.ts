import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, Matches, ValidateNested } from 'class-validator';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Requires } from '../auth/requires.decorator';
import type { Actor } from '../auth/roles';
import { ApiError } from '../errors/api-error';
import { CampaignDefinitionDto, checkedDefinition } from './campaign-definition.dto';
import { GetCampaignQuery, GetCampaignReportQuery, RunCampaignCommand } from './campaign.handlers';

// No colon: campaign coupon ids are `wb:<campaign>:<customer>:<episode>:<stage>` and must parse back.
const CAMPAIGN_ID = /^[A-Za-z0-9._-]{1,60}$/;

export class CreateCampaignDto {
  @ApiProperty({ example: 'winback-2026-q4', description: 'Chosen by ops; creating again with the same definition answers as the first time' })
  @Matches(CAMPAIGN_ID, { message: 'campaignId must be 1-60 letters, digits or . _ -' })
  campaignId!: string;
  @ApiProperty({ type: CampaignDefinitionDto }) @IsObject() @ValidateNested() @Type(() => CampaignDefinitionDto) definition!: CampaignDefinitionDto;
}

const STATUS_COMMANDS = { start: 'StartCampaign', pause: 'PauseCampaign', resume: 'ResumeCampaign', stop: 'StopCampaign' } as const;

@ApiTags('campaigns')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Requires('ops:run')
  @ApiOperation({ summary: 'Create a win-back campaign (draft) from its definition' })
  @ApiResponse({ status: 201, description: 'The campaign' })
  @ApiResponse({ status: 400, description: 'A field is malformed (each one named)' })
  @ApiResponse({ status: 409, description: 'The id exists with another definition' })
  @ApiResponse({ status: 422, description: 'The definition is not consistent (stages past the window, coupon currency)' })
  async create(@Body() body: CreateCampaignDto, @CurrentActor() actor: Actor) {
    const definition = checkedDefinition(body.definition);
    await this.commands.execute(new RunCampaignCommand({ type: 'CreateCampaign', data: { campaignId: body.campaignId, definition } }, actor.name));
    return this.queries.execute(new GetCampaignQuery(body.campaignId));
  }

  @Post(':id/:action')
  @HttpCode(200)
  @Requires('ops:run')
  @ApiOperation({ summary: 'start | pause | resume | stop, recorded with who and when' })
  @ApiResponse({ status: 404, description: 'No such campaign' })
  @ApiResponse({ status: 422, description: 'The status does not allow it (e.g. resume a stopped campaign)' })
  async changeStatus(@Param('id') id: string, @Param('action') action: string, @CurrentActor() actor: Actor) {
    const type = STATUS_COMMANDS[action as keyof typeof STATUS_COMMANDS];
    if (!type) throw ApiError.notFound('ROUTE.NOT_FOUND', `no action ${action}: use start, pause, resume or stop`);
    await this.commands.execute(new RunCampaignCommand({ type, data: { campaignId: id } }, actor.name));
    return this.queries.execute(new GetCampaignQuery(id));
  }

  @Get(':id')
  @Requires('customers:read')
  @ApiOperation({ summary: 'Status, definition, history, and how many customers are at each stage, converted, exhausted or held out' })
  get(@Param('id') id: string) {
    return this.queries.execute(new GetCampaignQuery(id));
  }

  @Get(':id/report')
  @Requires('customers:read')
  @ApiOperation({ summary: 'Treated vs control per campaign and stage: reactivation, uplift with its 95% CI, incremental revenue and margin, cost, ROI, coupon redemption' })
  report(@Param('id') id: string) {
    return this.queries.execute(new GetCampaignReportQuery(id));
  }
}
