import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { LoyaltyRules } from '@lifecycle/domain';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeys } from './auth/api-keys';
import { CampaignStreams } from './campaigns/campaign-streams';
import { GetCampaignHandler, GetCampaignReportHandler, RunCampaignHandler } from './campaigns/campaign.handlers';
import { CampaignsController } from './campaigns/campaigns.controller';
import { WinbackSagaHost } from './campaigns/winback-saga-host';
import { ClockController } from './clock/clock.controller';
import { ClockTickHandler } from './clock/tick/clock-tick.handler';
import { EngineConfig } from './config/engine-config';
import { CustomerStream } from './customers/customer-stream';
import { CustomersController } from './customers/customers.controller';
import { EraseCustomerHandler } from './customers/erase-customer/erase-customer.handler';
import { GetCustomerEventsHandler } from './customers/get-customer-events/get-customer-events.handler';
import { GetCustomerHandler } from './customers/get-customer/get-customer.handler';
import { RecordInteractionHandler } from './customers/record-interaction/record-interaction.handler';
import { RecordPurchaseHandler } from './customers/record-purchase/record-purchase.handler';
import { RefundPurchaseHandler } from './customers/refund-purchase/refund-purchase.handler';
import { RegisterCustomerHandler } from './customers/register-customer/register-customer.handler';
import { AdjustPointsHandler } from './customers/adjust-points/adjust-points.handler';
import { GetPointsHistoryHandler } from './customers/get-points-history/get-points-history.handler';
import { GetPointsHandler } from './customers/get-points/get-points.handler';
import { GetTierHandler } from './customers/get-tier/get-tier.handler';
import { GetCustomerSummaryHandler } from './customers/get-customer-summary/get-customer-summary.handler';
import { IssueCouponHandler } from './customers/issue-coupon/issue-coupon.handler';
import { RedeemPointsHandler } from './customers/redeem-points/redeem-points.handler';
import { GetLiabilityHandler } from './loyalty/get-liability/get-liability.handler';
import { LoyaltyController } from './loyalty/loyalty.controller';
import { GetCustomerSegmentHandler } from './segments/get-customer-segment/get-customer-segment.handler';
import { GetSegmentDistributionHandler } from './segments/get-segment-distribution/get-segment-distribution.handler';
import { GetSegmentMigrationHandler } from './segments/get-segment-migration/get-segment-migration.handler';
import { SegmentsController } from './segments/segments.controller';
import { ClvController } from './clv/clv.controller';
import { FitClvHandler } from './clv/fit-clv/fit-clv.handler';
import { GetCustomerClvHandler } from './clv/get-customer-clv/get-customer-clv.handler';
import { GetCustomerLifecycleHandler } from './lifecycle/get-customer-lifecycle/get-customer-lifecycle.handler';
import { GetLifecycleDistributionHandler } from './lifecycle/get-lifecycle-distribution/get-lifecycle-distribution.handler';
import { LifecycleController } from './lifecycle/lifecycle.controller';
import { LOYALTY_RULES } from './rules/loyalty-rules.token';
import { HttpErrorFilter } from './errors/http-error.filter';
import { StrictValidationPipe } from './errors/validation';
import { HealthController } from './health/health.controller';
import { ingestProviders } from './ingest/ingest.providers';
import { IntegrationEventsController } from './integration-events/integration-events.controller';
import { integrationEventsProviders } from './integration-events/integration-events.providers';
import { Clock } from './storage/clock';
import { Storage } from './storage/storage';
import { StorageShutdown } from './storage/storage-shutdown';
import { ProjectionHost } from './projections/projection-host';
import { ProjectionsController } from './projections/projections.controller';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics-registry';
import { ClockScheduler } from './clock/clock-scheduler';

export interface EngineDependencies {
  readonly config: EngineConfig;
  readonly storage: Storage;
  readonly clock: Clock;
  readonly apiKeys: ApiKeys;
  readonly rules: LoyaltyRules;
}

@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }

  static forRoot({ config, storage, clock, apiKeys, rules }: EngineDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Bodies are never logged (they may carry personal data); neither are API keys.
            redact: ['req.headers["x-api-key"]', 'req.headers.authorization'],
          },
        }),
      ],
      // ROLE=ingest (and projector, saga) serves only /health and /ready; the API is for all and api.
      controllers: [...(config.role === 'all' || config.role === 'api' ? [CustomersController, LoyaltyController, SegmentsController, ClvController, LifecycleController, CampaignsController, ClockController] : []), HealthController, ProjectionsController, IntegrationEventsController, MetricsController],
      providers: [
        { provide: EngineConfig, useValue: config },
        { provide: Storage, useValue: storage },
        { provide: Clock, useValue: clock },
        { provide: ApiKeys, useValue: apiKeys },
        { provide: LOYALTY_RULES, useValue: rules },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        StorageShutdown,
        ProjectionHost,
        MetricsRegistry,
        ClockScheduler,
        CustomerStream,
        RegisterCustomerHandler,
        RecordPurchaseHandler,
        RefundPurchaseHandler,
        RecordInteractionHandler,
        EraseCustomerHandler,
        GetCustomerHandler,
        GetCustomerEventsHandler,
        RedeemPointsHandler,
        AdjustPointsHandler,
        IssueCouponHandler,
        GetPointsHandler,
        GetPointsHistoryHandler,
        GetTierHandler,
        GetCustomerSummaryHandler,
        GetLiabilityHandler,
        GetCustomerSegmentHandler,
        FitClvHandler,
        GetCustomerClvHandler,
        GetSegmentDistributionHandler,
        GetSegmentMigrationHandler,
        GetCustomerLifecycleHandler,
        GetLifecycleDistributionHandler,
        ClockTickHandler,
        ...ingestProviders(config),
        ...integrationEventsProviders(),
        CampaignStreams,
        RunCampaignHandler,
        GetCampaignHandler,
        GetCampaignReportHandler,
        WinbackSagaHost,
      ],
    };
  }
}
