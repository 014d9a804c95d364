import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/requires.decorator';
import { AsOfQueryDto } from '../customers/upstream-id';
import { GetLiabilityQuery } from './get-liability/get-liability.handler';

@ApiTags('loyalty')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller('loyalty')
export class LoyaltyController {
  constructor(private readonly queries: QueryBus) {}

  @Get('liability')
  @Requires('customers:read')
  @ApiOperation({ summary: 'Outstanding points per currency and their value, as of an instant; equals the sum of all balances' })
  @ApiResponse({ status: 200, description: '{ asOf, rulesVersion, currencies: [{ currency, customers, outstanding, debt, points, value }] }' })
  @ApiResponse({ status: 400, description: 'asOf is not an ISO-8601 instant' })
  @ApiResponse({ status: 401, description: 'No or unknown API key' })
  @ApiResponse({ status: 403, description: 'The key lacks customers:read' })
  liability(@Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetLiabilityQuery(query.asOf));
  }
}
