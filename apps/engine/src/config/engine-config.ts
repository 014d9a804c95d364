import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateNested, type ValidationError, validateSync,
} from 'class-validator';
import { ROLES, type Role } from '../auth/roles';
import { KafkaConfig, kafkaConfigFromEnv } from '../ingest/kafka-config';
import { IntegrationEventsConfig, integrationEventsConfigFromEnv } from '../integration-events/integration-events.config';

/** The documented default rules file, shipped in the repository. */
export const DEFAULT_LOYALTY_RULES_PATH = 'config/loyalty-rules.yaml';

export class ApiKeyConfig {
  @IsString() @MinLength(1) name!: string;
  @IsString() @MinLength(16, { message: 'an API key must be at least 16 characters' }) key!: string;
  @IsArray() @IsIn(ROLES, { each: true }) roles!: Role[];
}

/**
 * Everything the engine reads from its environment, validated once at start-up. Nothing reads
 * process.env after this.
 */
export class EngineConfig {
  @IsInt() @Min(0) @Max(65535) port = 3000;

  @IsIn(['all', 'api', 'ingest', 'projector', 'saga']) role: 'all' | 'api' | 'ingest' | 'projector' | 'saga' = 'all';

  /** Postgres connection string; when absent the engine runs embedded on PGlite. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' }) databaseUrl?: string;

  /** EventStoreDB connection string; when set, the event log lives there (keys and read models stay in SQL). */
  @IsOptional() @Matches(/^esdb(\+discover)?:\/\//, { message: 'EVENTSTORE_URL must be an esdb:// or esdb+discover:// connection string' }) eventStoreUrl?: string;

  /** Embedded mode: where PGlite keeps its files (and the generated keys). */
  @IsString() dataDir = './data';

  /** Embedded mode without a data dir on disk (tests). */
  @IsOptional() @IsBoolean() inMemory?: boolean;

  /** 32 bytes, base64 or hex: wraps every customer's personal-data key. */
  @IsOptional() @IsString() masterKey?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'LIFECYCLE_ADMIN_KEY must be at least 16 characters' }) adminKey?: string;

  @ValidateNested({ each: true }) @Type(() => ApiKeyConfig) apiKeys: ApiKeyConfig[] = [];

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) logLevel = 'info';

  /** KAFKA_BROKERS and the KAFKA_* names; unset = no Kafka: no ingest consumer, HTTP only. */
  @IsOptional() @ValidateNested() @Type(() => KafkaConfig) kafka?: KafkaConfig;

  /** Command handlers retry a conflicting append this many times before answering 409. */
  @IsInt() @Min(1) @Max(100) appendAttempts = 20;

  /** The loyalty rules file (YAML or JSON), validated at start-up; relative paths are from the working directory. */
  @IsString() @MinLength(1) rulesFile = DEFAULT_LOYALTY_RULES_PATH;

  /** INTEGRATION_* and the integration KAFKA_TOPIC_* names: the publisher of integration events. */
  @ValidateNested() @Type(() => IntegrationEventsConfig) integrationEvents = new IntegrationEventsConfig();

  /**
   * LIFECYCLE_TICK_INTERVAL: how often the live clock ticks (ROLE=all|projector): `30s`, `15m`, `1h`,
   * or `off`. The time-driven work is day-grained (expiry dates, birthdays, 90-day stage cut-offs) and
   * a tick looks at every customer, so the default is an hour.
   */
  @Matches(/^(off|[1-9][0-9]*(ms|s|m|h))$/, { message: 'LIFECYCLE_TICK_INTERVAL must be a duration like 30s, 15m, 1h (at least 1s), or off' })
  tickInterval = '1h';

  /** LIFECYCLE_PROJECTION_POLL_MS: how often a projector looks for versions registered elsewhere (the CLI) and renews its leases. */
  @IsInt() @Min(100) @Max(60_000) projectionPollMs = 2000;

  /**
   * LIFECYCLE_FOLD_THREAD: whether a rebuild folds points, tier and lifecycle on a thread of its own
   * (see projections/fold-thread): `auto` when it catches up on a large log, `on` always, `off` never.
   */
  @IsIn(['auto', 'on', 'off'], { message: 'LIFECYCLE_FOLD_THREAD must be auto, on or off' }) foldThread: 'auto' | 'on' | 'off' = 'auto';
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The tick interval in milliseconds; null when the live clock is off. */
export function tickIntervalMs(config: Pick<EngineConfig, 'tickInterval'>): number | null {
  const match = /^([0-9]+)(ms|s|m|h)$/.exec(config.tickInterval);
  return match ? Number(match[1]) * DURATION_UNITS_MS[match[2]!]! : null;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG.INVALID';
}

const env = (e: NodeJS.ProcessEnv, name: string): string | undefined => (e[name] === '' ? undefined : e[name]);

/** Reads and validates the environment; throws a ConfigError naming each bad field and why. */
export function loadEngineConfig(e: NodeJS.ProcessEnv = process.env): EngineConfig {
  let apiKeys: unknown = [];
  const rawKeys = env(e, 'LIFECYCLE_API_KEYS');
  if (rawKeys) {
    try {
      apiKeys = JSON.parse(rawKeys);
    } catch {
      throw new ConfigError('LIFECYCLE_API_KEYS: must be JSON, e.g. [{"name":"crm","key":"...","roles":["ingest"]}]');
    }
  }
  return validateEngineConfig({
    port: env(e, 'PORT') === undefined ? undefined : Number(env(e, 'PORT')),
    role: env(e, 'ROLE'),
    databaseUrl: env(e, 'DATABASE_URL'),
    eventStoreUrl: env(e, 'EVENTSTORE_URL'),
    dataDir: env(e, 'LIFECYCLE_DATA_DIR'),
    masterKey: env(e, 'LIFECYCLE_MASTER_KEY'),
    adminKey: env(e, 'LIFECYCLE_ADMIN_KEY'),
    apiKeys,
    logLevel: env(e, 'LOG_LEVEL'),
    kafka: kafkaConfigFromEnv((name) => env(e, name)),
    rulesFile: env(e, 'LIFECYCLE_RULES_FILE'),
    integrationEvents: integrationEventsConfigFromEnv((name) => env(e, name)),
    tickInterval: env(e, 'LIFECYCLE_TICK_INTERVAL'),
    projectionPollMs: env(e, 'LIFECYCLE_PROJECTION_POLL_MS') === undefined ? undefined : Number(env(e, 'LIFECYCLE_PROJECTION_POLL_MS')),
    foldThread: env(e, 'LIFECYCLE_FOLD_THREAD'),
  });
}

export function validateEngineConfig(input: Record<string, unknown>): EngineConfig {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const config = plainToInstance(EngineConfig, defined);
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const describe = (error: ValidationError, prefix: string): string[] => [
      ...Object.values(error.constraints ?? {}).map((reason) => `${prefix}${error.property}: ${reason}`),
      ...(error.children ?? []).flatMap((child) => describe(child, `${prefix}${error.property}.`)),
    ];
    const lines = errors.flatMap((error) => describe(error, ''));
    throw new ConfigError(`invalid engine configuration:\n  ${lines.join('\n  ')}`);
  }
  const tick = tickIntervalMs(config);
  if (tick !== null && tick < 1000) throw new ConfigError('invalid engine configuration:\n  tickInterval: LIFECYCLE_TICK_INTERVAL must be at least 1s');
  if (config.role === 'ingest' && !config.kafka) throw new ConfigError('ROLE=ingest needs KAFKA_BROKERS: there is nothing to ingest from');
  return config;
}

