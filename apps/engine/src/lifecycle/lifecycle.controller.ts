import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { Requires } from '../auth/requires.decorator';
import { CustomerIdPipe } from '../customers/customer-id.pipe';
import { asOfParameter } from '../segments/segment-query-params';
import { GetCustomerLifecycleQuery } from './get-customer-lifecycle/get-customer-lifecycle.handler';
import { GetLifecycleDistributionQuery } from './get-lifecycle-distribution/get-lifecycle-distribution.handler';

export class LifecycleAsOfQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601 date (midnight UTC) or instant; default: the log clock (latest event time or tick)', example: '1997-12-31' })
  @IsOptional()
  @IsString()
  asOf?: string;
}

const asOf = (value: string | undefined) => (value === undefined ? undefined : asOfParameter(value, 'asOf'));

@ApiTags('lifecycle')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller()
export class LifecycleController {
  constructor(private readonly queries: QueryBus) {}

  @Get('customers/:id/lifecycle')
  @Requires('customers:read')
  @ApiOperation({ summary: "The customer's lifecycle stage as of an instant: since when, every transition up to it, the churn warning and its signals" })
  @ApiResponse({ status: 200, description: '{ customerId, asOf, stage, since, transitions: [{ from, to, at, cause }], churnWarning: { raised, signals: [{ code, figure, threshold, detail }] }, version }' })
  @ApiResponse({ status: 400, description: 'asOf is not an ISO-8601 date or instant' })
  @ApiResponse({ status: 404, description: 'LIFECYCLE.UNKNOWN_CUSTOMER: nothing in the log about this customer' })
  customerLifecycle(@Param('id', CustomerIdPipe) id: string, @Query() query: LifecycleAsOfQueryDto) {
    return this.queries.execute(new GetCustomerLifecycleQuery(id, asOf(query.asOf)));
  }

  @Get('lifecycle/stages')
  @Requires('customers:read')
  @ApiOperation({ summary: 'Customers per lifecycle stage and churn warnings, as of an instant' })
  @ApiResponse({ status: 200, description: '{ asOf, version, stages: { prospect, new, active, dormant, lost }, churnWarnings, customers }' })
  @ApiResponse({ status: 400, description: 'asOf is not an ISO-8601 date or instant' })
  distribution(@Query() query: LifecycleAsOfQueryDto) {
    return this.queries.execute(new GetLifecycleDistributionQuery(asOf(query.asOf)));
  }
}
