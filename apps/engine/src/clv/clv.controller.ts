import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/requires.decorator';
import { CustomerIdPipe } from '../customers/customer-id.pipe';
import { asOfParameter, SegmentAsOfQueryDto } from '../segments/segment-query-params';
import { Clock } from '../storage/clock';
import { FitClvDto } from './fit-clv/fit-clv.dto';
import { FitClvCommand } from './fit-clv/fit-clv.handler';
import { GetCustomerClvQuery } from './get-customer-clv/get-customer-clv.handler';

@ApiTags('clv')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller()
export class ClvController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  @Post('clv/fit')
  @HttpCode(201)
  @Requires('ops:run')
  @ApiOperation({ summary: 'Fit a customer-base model on the clv projection as of a day and store it (the served answers use the latest fit as of their day)' })
  @ApiResponse({ status: 201, description: '{ model, unit, asOf, seq, version, params, standardErrors, logLikelihood, customers, converged, trigger }' })
  @ApiResponse({ status: 400, description: 'model, asOf or unit invalid (named in details)' })
  @ApiResponse({ status: 403, description: 'Not an ops or admin key (ops:run)' })
  @ApiResponse({ status: 409, description: 'CLV.NOT_BUILT: the clv projection has no active version yet' })
  @ApiResponse({ status: 422, description: 'CLV.NO_CUSTOMERS: nobody had bought by asOf; CLV.FIT_FAILED: the fit did not converge' })
  fit(@Body() body: FitClvDto) {
    return this.commands.execute(new FitClvCommand(body.model, body.asOf, body.unit));
  }

  @Get('customers/:id/clv')
  @Requires('customers:read')
  @ApiOperation({ summary: "The customer's P(alive), expected purchases and average value, and CLV as of an instant (default now), with the fits used" })
  @ApiResponse({ status: 200, description: '{ customerId, asOf, pAlive, expectedPurchases, expectedAvgValue, clv, currency, horizon, model: { transaction, spend }, projectionVersion }' })
  @ApiResponse({ status: 400, description: 'asOf is not an ISO-8601 date or instant' })
  @ApiResponse({ status: 404, description: 'CLV.NO_FIT: no fit as of that day yet; CLV.NO_PURCHASE: no purchase by then; CLV.NOT_BUILT' })
  customerClv(@Param('id', CustomerIdPipe) id: string, @Query() query: SegmentAsOfQueryDto) {
    return this.queries.execute(new GetCustomerClvQuery(id, asOfParameter(query.asOf, 'asOf', () => this.clock.now())));
  }
}
