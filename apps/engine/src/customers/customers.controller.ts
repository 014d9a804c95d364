import { applyDecorators, Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Requires } from '../auth/requires.decorator';
import type { Actor } from '../auth/roles';
import { CustomerIdPipe } from './customer-id.pipe';
import { EraseCustomerCommand } from './erase-customer/erase-customer.handler';
import { GetCustomerEventsQueryDto } from './get-customer-events/get-customer-events.query.dto';
import { GetCustomerEventsQuery } from './get-customer-events/get-customer-events.handler';
import { GetCustomerQuery } from './get-customer/get-customer.handler';
import { RecordInteractionDto } from './record-interaction/record-interaction.dto';
import { RecordInteractionCommand } from './record-interaction/record-interaction.handler';
import { RecordPurchaseDto } from './record-purchase/record-purchase.dto';
import { RecordPurchaseCommand } from './record-purchase/record-purchase.handler';
import { RefundPurchaseDto } from './refund-purchase/refund-purchase.dto';
import { RefundPurchaseCommand } from './refund-purchase/refund-purchase.handler';
import { RegisterCustomerDto } from './register-customer/register-customer.dto';
import { RegisterCustomerCommand } from './register-customer/register-customer.handler';
import { AdjustPointsDto } from './adjust-points/adjust-points.dto';
import { AdjustPointsCommand } from './adjust-points/adjust-points.handler';
import { GetPointsHistoryQuery } from './get-points-history/get-points-history.handler';
import { GetPointsQuery } from './get-points/get-points.handler';
import { GetTierQuery } from './get-tier/get-tier.handler';
import { GetCustomerSummaryQuery } from './get-customer-summary/get-customer-summary.handler';
import { IssueCouponDto } from './issue-coupon/issue-coupon.dto';
import { IssueCouponCommand } from './issue-coupon/issue-coupon.handler';
import { RedeemPointsDto } from './redeem-points/redeem-points.dto';
import { RedeemPointsCommand } from './redeem-points/redeem-points.handler';
import { AsOfQueryDto } from './upstream-id';

// Every error answers with the one ErrorBody shape (see errors/api-error.ts).
const QueryErrors = () =>
  applyDecorators(
    ApiResponse({ status: 400, description: 'Malformed body, parameter or unknown field: REQUEST.*, one detail per field' }),
    ApiResponse({ status: 401, description: 'No or unknown API key' }),
    ApiResponse({ status: 403, description: 'The key lacks the permission' }),
    ApiResponse({ status: 404, description: 'No such customer' }),
  );
const CommandErrors = () =>
  applyDecorators(
    QueryErrors(),
    ApiResponse({ status: 409, description: 'Same upstream id with different facts, or retries exhausted' }),
    ApiResponse({ status: 422, description: 'Refused by the rules, with a stable code' }),
  );

@ApiTags('customers')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Requires('customers:write')
  @ApiOperation({ summary: 'Register a customer (idempotent by customerId and facts)' })
  @CommandErrors()
  @ApiResponse({ status: 201, description: 'Registered, or the same registration again' })
  register(@Body() body: RegisterCustomerDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new RegisterCustomerCommand(body, actor.name));
  }

  @Post(':id/purchases')
  @Requires('customers:write')
  @ApiOperation({ summary: 'Record a purchase (idempotent by orderId); registers unknown customers implicitly' })
  @CommandErrors()
  recordPurchase(@Param('id', CustomerIdPipe) id: string, @Body() body: RecordPurchaseDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new RecordPurchaseCommand(id, body, actor.name));
  }

  @Post(':id/refunds')
  @Requires('customers:write')
  @ApiOperation({ summary: 'Refund all or part of an order (idempotent by refundId)' })
  @CommandErrors()
  refundPurchase(@Param('id', CustomerIdPipe) id: string, @Body() body: RefundPurchaseDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new RefundPurchaseCommand(id, body, actor.name));
  }

  @Post(':id/interactions')
  @Requires('customers:write')
  @ApiOperation({ summary: 'Record an interaction (idempotent by interactionId)' })
  @CommandErrors()
  recordInteraction(@Param('id', CustomerIdPipe) id: string, @Body() body: RecordInteractionDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new RecordInteractionCommand(id, body, actor.name));
  }

  @Delete(':id')
  @Requires('customers:erase')
  @CommandErrors()
  @ApiOperation({ summary: "Erase a customer's personal data (crypto-shredding); history stays replayable" })
  erase(@Param('id', CustomerIdPipe) id: string, @CurrentActor() actor: Actor) {
    return this.commands.execute(new EraseCustomerCommand(id, actor.name));
  }

  @Post(':id/redemptions')
  @Requires('customers:write')
  @ApiOperation({ summary: 'Spend points on a reward, oldest lots first (idempotent by redemptionId); 422 POINTS.INSUFFICIENT_BALANCE when short' })
  @CommandErrors()
  redeemPoints(@Param('id', CustomerIdPipe) id: string, @Body() body: RedeemPointsDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new RedeemPointsCommand(id, body, actor.name));
  }

  @Post(':id/adjustments')
  @Requires('loyalty:adjust')
  @ApiOperation({ summary: "Credit or debit points by hand (idempotent by adjustmentId); the API key's name is recorded as the actor" })
  @CommandErrors()
  adjustPoints(@Param('id', CustomerIdPipe) id: string, @Body() body: AdjustPointsDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new AdjustPointsCommand(id, body, actor.name));
  }

  @Post(':id/coupons')
  @Requires('loyalty:adjust')
  @ApiOperation({ summary: 'Issue a coupon to the customer (idempotent by couponId); a purchase redeems it with couponId' })
  @CommandErrors()
  issueCoupon(@Param('id', CustomerIdPipe) id: string, @Body() body: IssueCouponDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new IssueCouponCommand(id, body, actor.name));
  }

  @Get(':id/points')
  @Requires('customers:read')
  @QueryErrors()
  @ApiOperation({ summary: 'Points balance, lots with their expiry, and what expires within 30 days, as of asOf (default now)' })
  points(@Param('id', CustomerIdPipe) id: string, @Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetPointsQuery(id, query.asOf));
  }

  @Get(':id/points/history')
  @Requires('customers:read')
  @QueryErrors()
  @ApiOperation({ summary: 'Every points movement with the rule and rules version behind it, its order or redemption, and its lots' })
  pointsHistory(@Param('id', CustomerIdPipe) id: string) {
    return this.queries.execute(new GetPointsHistoryQuery(id));
  }

  @Get(':id/tier')
  @Requires('customers:read')
  @QueryErrors()
  @ApiOperation({ summary: 'Tier held at asOf (default now), since when, rolling spend and the distance to the next tier' })
  tier(@Param('id', CustomerIdPipe) id: string, @Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetTierQuery(id, query.asOf));
  }

  @Get(':id/summary')
  @Requires('customers:read')
  @QueryErrors()
  @ApiOperation({ summary: 'Orders, revenue, interactions, complaints in 90 days, points balance, tier, stage and segment as of asOf (default now), from the read models' })
  summary(@Param('id', CustomerIdPipe) id: string, @Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetCustomerSummaryQuery(id, query.asOf));
  }

  @Get(':id')
  @Requires('customers:read')
  @QueryErrors()
  @ApiOperation({ summary: 'Profile, currency, order count, net spend; personal fields only with pii:read' })
  get(@Param('id', CustomerIdPipe) id: string, @CurrentActor() actor: Actor) {
    return this.queries.execute(new GetCustomerQuery(id, actor));
  }

  @Get(':id/events')
  @Requires('events:read')
  @QueryErrors()
  @ApiOperation({ summary: "The customer's history, paged by stream revision" })
  events(@Param('id', CustomerIdPipe) id: string, @Query() page: GetCustomerEventsQueryDto) {
    return this.queries.execute(new GetCustomerEventsQuery(id, page.fromRevision, page.limit));
  }
}
