import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeys } from './auth/api-keys';
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
import { HttpErrorFilter } from './errors/http-error.filter';
import { StrictValidationPipe } from './errors/validation';
import { HealthController } from './health/health.controller';
import { Clock } from './storage/clock';
import { Storage } from './storage/storage';
import { StorageShutdown } from './storage/storage-shutdown';

export interface EngineDependencies {
  readonly config: EngineConfig;
  readonly storage: Storage;
  readonly clock: Clock;
  readonly apiKeys: ApiKeys;
}

@Module({})
export class AppModule {
  static forRoot({ config, storage, clock, apiKeys }: EngineDependencies): DynamicModule {
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
      controllers: [CustomersController, HealthController],
      providers: [
        { provide: EngineConfig, useValue: config },
        { provide: Storage, useValue: storage },
        { provide: Clock, useValue: clock },
        { provide: ApiKeys, useValue: apiKeys },
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
      ],
    };
  }
}
