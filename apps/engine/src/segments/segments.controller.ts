import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/requires.decorator';
import { CustomerIdPipe } from '../customers/customer-id.pipe';
import { Clock } from '../storage/clock';
import { GetCustomerSegmentQuery } from './get-customer-segment/get-customer-segment.handler';
import { GetSegmentDistributionQuery } from './get-segment-distribution/get-segment-distribution.handler';
import { GetSegmentMigrationQuery } from './get-segment-migration/get-segment-migration.handler';
import { asOfParameter, SegmentAsOfQueryDto, SegmentMigrationQueryDto, startOfUtcDay } from './segment-query-params';

@ApiTags('segments')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller()
export class SegmentsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  @Get('customers/:id/segment')
  @Requires('customers:read')
  @ApiOperation({ summary: "The customer's RFM scores, measures, segment and value group as of an instant (default: the start of today, UTC)" })
  @ApiResponse({
    status: 200,
    description:
      '{ customerId, asOf, projectionVersion, recencyDays, frequency, monetary, scores: { r, f, m }, segment, valueGroup, valueGroupBasis: clv | monetary, ' +
      'clv?: { value, score, customersRanked, asOf, currency, horizon, fits, projectionVersion } (grouped by CLV), ' +
      'valueGroupFallback?: { code: CLV.NOT_BUILT | CLV.NO_FIT | CLV.NO_PURCHASE, reason } (the version asks for CLV, the group is by M) }',
  })
  @ApiResponse({ status: 400, description: 'asOf is not an ISO-8601 date or instant' })
  @ApiResponse({ status: 404, description: 'SEGMENT.NOT_SCORED: no purchase in the window as of that instant' })
  customerSegment(@Param('id', CustomerIdPipe) id: string, @Query() query: SegmentAsOfQueryDto) {
    return this.queries.execute(new GetCustomerSegmentQuery(id, asOfParameter(query.asOf, 'asOf', () => startOfUtcDay(this.clock.now()))));
  }

  @Get('segments')
  @Requires('customers:read')
  @ApiOperation({ summary: 'Customers, share, mean R/F/M and monetary per segment and per value group, as of an instant (default: the start of today, UTC)' })
  @ApiResponse({
    status: 200,
    description:
      '{ asOf, projectionVersion, windowDays, customers, segments: [...], valueGroups: [{ name, basis, meanClv?, ... }], valueGroupBasis: clv | monetary, ' +
      'valueGroupsBy: { configured, clv, monetary, fallbacks: [{ code, reason, customers }], clvSource? } }',
  })
  @ApiResponse({ status: 400, description: 'asOf is not an ISO-8601 date or instant' })
  distribution(@Query() query: SegmentAsOfQueryDto) {
    return this.queries.execute(new GetSegmentDistributionQuery(asOfParameter(query.asOf, 'asOf', () => startOfUtcDay(this.clock.now()))));
  }

  @Get('segments/migration')
  @Requires('customers:read')
  @ApiOperation({ summary: 'From-segment x to-segment and from-value-group x to-value-group customer counts between two dates (null: not scored at that date)' })
  @ApiResponse({ status: 200, description: '{ from, to, projectionVersion, cells: [{ from, to, customers }], valueGroupCells: [...], valueGroupsBy: { from, to } }' })
  @ApiResponse({ status: 400, description: 'from or to missing, or not an ISO-8601 date or instant' })
  migration(@Query() query: SegmentMigrationQueryDto) {
    return this.queries.execute(new GetSegmentMigrationQuery(asOfParameter(query.from, 'from'), asOfParameter(query.to, 'to')));
  }
}
