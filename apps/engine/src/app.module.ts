import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { LoyaltyRules } from '@lifecycle/domain';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeys } from './auth/api-keys';
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
import { IssueCouponHandler } from './customers/issue-coupon/issue-coupon.handler';
import { RedeemPointsHandler } from './customers/redeem-points/redeem-points.handler';
import { GetLiabilityHandler } from './loyalty/get-liability/get-liability.handler';
import { LoyaltyController } from './loyalty/loyalty.controller';
import { LOYALTY_RULES } from './rules/loyalty-rules.token';
import { HttpErrorFilter } from './errors/http-error.filter';
import { StrictValidationPipe } from './errors/validation';
import { HealthController } from './health/health.controller';
import { ingestProviders } from './ingest/ingest.providers';
import { Clock } from './storage/clock';
import { Storage } from './storage/storage';
import { StorageShutdown } from './storage/storage-shutdown';

export interface EngineDependencies {
  readonly config: EngineConfig;
  readonly storage: Storage;
  readonly clock: Clock;
  readonly apiKeys: ApiKeys;
  readonly rules: LoyaltyRules;
}

@Module({})
export class AppModule {
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
      controllers: [...(config.role === 'all' || config.role === 'api' ? [CustomersController, LoyaltyController, ClockController] : []), HealthController],
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
        GetLiabilityHandler,
        ClockTickHandler,
        ...ingestProviders(config),
      ],
    };
  }
}
