import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Requires } from '../auth/requires.decorator';
import type { Actor } from '../auth/roles';
import { AsOfQueryDto } from '../customers/upstream-id';
import { ClockTickCommand } from './tick/clock-tick.handler';

@ApiTags('ops')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller('clock')
export class ClockController {
  constructor(private readonly commands: CommandBus) {}

  @Post('tick')
  @HttpCode(200)
  @Requires('clock:tick')
  @ApiOperation({
    summary: 'Run expiry, expiry warnings, tier reviews, referral settlements and birthdays due at asOf (default now), for every customer; idempotent',
  })
  @ApiResponse({ status: 200, description: '{ asOf, rulesVersion, customers, customersChanged, work: { expiry, expiryWarning, tierReview, referral, birthday }, events, failures }' })
  @ApiResponse({ status: 400, description: 'asOf is not an ISO-8601 instant' })
  @ApiResponse({ status: 401, description: 'No or unknown API key' })
  @ApiResponse({ status: 403, description: 'Not an admin key (clock:tick)' })
  @ApiResponse({ status: 422, description: 'CLOCK.AS_OF_IN_FUTURE: asOf is after the engine clock' })
  tick(@Query() query: AsOfQueryDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new ClockTickCommand(query.asOf, actor.name));
  }
}
