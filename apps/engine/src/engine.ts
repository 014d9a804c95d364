import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { LoyaltyRules } from '@lifecycle/domain';
import { AppModule } from './app.module';
import { ApiKeys, type ApiKeyGrant } from './auth/api-keys';
import { ConfigError, type EngineConfig } from './config/engine-config';
import { Clock, SystemClock } from './storage/clock';
import { localSecret, newApiKey } from './storage/local-secrets';
import { loadLoyaltyRules } from './rules/load-loyalty-rules';
import { openStorage } from './storage/open-storage';
import type { Storage } from './storage/storage';

export interface Engine {
  readonly app: INestApplication;
  readonly storage: Storage;
  /** The loyalty rules every decision of this engine uses (validated at start-up). */
  readonly rules: LoyaltyRules;
  /** Set when the engine made a local admin key for the embedded quick start. */
  readonly generatedAdminKey?: string;
}

/** Builds the engine (not listening yet): storage, keys, Nest app, OpenAPI at /docs. */
export async function createEngine(
  config: EngineConfig, options: { clock?: Clock; storage?: Storage; rules?: LoyaltyRules } = {},
): Promise<Engine> {
  // First: a bad rules file stops the engine with the field and the reason (a ConfigError), before
  // anything is written (keys, storage).
  const rules = options.rules ?? loadLoyaltyRules(config.rulesFile);
  const { grants, generatedAdminKey } = apiKeyGrants(config);
  const storage = options.storage ?? (await openStorage(config));
  const app = await NestFactory.create(
    AppModule.forRoot({ config, storage, clock: options.clock ?? new SystemClock(), apiKeys: new ApiKeys(grants), rules }),
    { bufferLogs: true, bodyParser: true },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('Lifecycle Engine')
    .setDescription('Event-sourced customer lifecycle: commands, queries and ops. Every error has the body { statusCode, error, code, message, details[] }.')
    .setVersion('0.1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'x-api-key')
    .addSecurityRequirements('x-api-key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  return { app, storage, rules, generatedAdminKey };
}

function apiKeyGrants(config: EngineConfig): { grants: ApiKeyGrant[]; generatedAdminKey?: string } {
  const grants: ApiKeyGrant[] = config.apiKeys.map((k) => ({ name: k.name, key: k.key, roles: k.roles }));
  if (config.adminKey) return { grants: [...grants, { name: 'admin', key: config.adminKey, roles: ['admin'] }] };
  if (config.databaseUrl) {
    if (grants.length === 0) throw new ConfigError('set LIFECYCLE_ADMIN_KEY or LIFECYCLE_API_KEYS: a shared database needs real keys');
    return { grants };
  }
  const admin = config.inMemory ? { value: newApiKey(), created: true } : localSecret(config.dataDir, 'admin.key', newApiKey);
  return { grants: [...grants, { name: 'local-admin', key: admin.value, roles: ['admin'] }], generatedAdminKey: admin.value };
}
