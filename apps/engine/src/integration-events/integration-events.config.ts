import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min, ValidateNested } from 'class-validator';
import { DEFAULT_INTEGRATION_TOPICS, type IntegrationTopics } from '@lifecycle/messaging/integration-events';

// Kafka's own rule for topic names (as for the ingest topics).
const topic = (variable: string) => Matches(/^[A-Za-z0-9._-]{1,249}$/, { message: `${variable} may contain only letters, digits and . _ - (1-249)` });

export class IntegrationTopicsConfig {
  @topic('KAFKA_TOPIC_LIFECYCLE') lifecycle = DEFAULT_INTEGRATION_TOPICS['customer.lifecycle'];
  @topic('KAFKA_TOPIC_TIER') tier = DEFAULT_INTEGRATION_TOPICS['customer.tier'];
  @topic('KAFKA_TOPIC_POINTS') points = DEFAULT_INTEGRATION_TOPICS['loyalty.points'];
  @topic('KAFKA_TOPIC_MESSAGES') messages = DEFAULT_INTEGRATION_TOPICS['customer.messages'];
  @topic('KAFKA_TOPIC_WINBACK') winback = DEFAULT_INTEGRATION_TOPICS['winback.actions'];
}

export const integrationTopicsOf = (t: IntegrationTopicsConfig): IntegrationTopics => ({
  'customer.lifecycle': t.lifecycle, 'customer.tier': t.tier, 'loyalty.points': t.points, 'customer.messages': t.messages, 'winback.actions': t.winback,
});

/** The integration publisher: on in ROLE=all|projector unless INTEGRATION_EVENTS=off. */
export class IntegrationEventsConfig {
  @IsIn(['on', 'off']) enabled: 'on' | 'off' = 'on';

  /**
   * A message whose fact took effect more than this many hours before its source event reached the
   * log is history (an import, a first start on an old log): held back and counted, not sent.
   */
  @IsInt() @Min(0) @Max(1_000_000) maxAgeHours = 168;

  @IsInt() @Min(1) @Max(10_000) batchSize = 500;

  /** How often the publisher looks for new events at the head of the log. */
  @IsInt() @Min(10) @Max(60_000) pollIntervalMs = 250;

  /** How long a dead publisher's lease keeps a successor waiting. */
  @IsInt() @Min(1_000) @Max(600_000) leaseMs = 30_000;

  /** Used only with KAFKA_BROKERS; without it messages go to the in-process bus. */
  @ValidateNested() @Type(() => IntegrationTopicsConfig) topics = new IntegrationTopicsConfig();
}

const VARIABLES: Record<keyof IntegrationTopicsConfig, string> = {
  lifecycle: 'KAFKA_TOPIC_LIFECYCLE', tier: 'KAFKA_TOPIC_TIER', points: 'KAFKA_TOPIC_POINTS', messages: 'KAFKA_TOPIC_MESSAGES', winback: 'KAFKA_TOPIC_WINBACK',
};

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const int = (text: string | undefined) => (text === undefined ? undefined : Number(text));

/** The raw `integrationEvents` part of the configuration from the environment (validated with the rest). */
export function integrationEventsConfigFromEnv(env: (name: string) => string | undefined): Record<string, unknown> {
  return defined({
    enabled: env('INTEGRATION_EVENTS'),
    maxAgeHours: int(env('INTEGRATION_MAX_AGE_HOURS')),
    batchSize: int(env('INTEGRATION_BATCH_SIZE')),
    pollIntervalMs: int(env('INTEGRATION_POLL_INTERVAL_MS')),
    leaseMs: int(env('INTEGRATION_LEASE_MS')),
    topics: defined(Object.fromEntries(Object.entries(VARIABLES).map(([field, variable]) => [field, env(variable)]))),
  });
}
