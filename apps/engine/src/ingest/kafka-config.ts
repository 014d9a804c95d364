import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { DEFAULT_INGEST_TOPICS, type IngestTopics } from '@lifecycle/messaging';

// Kafka's own rule for topic and group names (legal characters; 249 is the topic length limit).
const NAME = /^[A-Za-z0-9._-]{1,249}$/;
const name = (variable: string) => Matches(NAME, { message: `${variable} may contain only letters, digits and . _ - (1-249)` });

export class KafkaTopicsConfig implements IngestTopics {
  @name('KAFKA_TOPIC_PURCHASES') purchases = DEFAULT_INGEST_TOPICS.purchases;
  @name('KAFKA_TOPIC_REFUNDS') refunds = DEFAULT_INGEST_TOPICS.refunds;
  @name('KAFKA_TOPIC_INTERACTIONS') interactions = DEFAULT_INGEST_TOPICS.interactions;
  @name('KAFKA_TOPIC_REGISTRATIONS') registrations = DEFAULT_INGEST_TOPICS.registrations;
  @name('KAFKA_TOPIC_REDEMPTIONS') redemptions = DEFAULT_INGEST_TOPICS.redemptions;
  @name('KAFKA_TOPIC_DLQ') deadLetters = DEFAULT_INGEST_TOPICS.deadLetters;
}

/** Present only when KAFKA_BROKERS is set: no Kafka configured means no ingest consumer. */
export class KafkaConfig {
  @IsArray() @ArrayMinSize(1)
  @Matches(/^[^\s:,]+:\d{1,5}$/, { each: true, message: 'KAFKA_BROKERS must be host:port, comma-separated' })
  brokers!: string[];

  @name('KAFKA_CLIENT_ID') clientId = 'lifecycle-engine';

  /** Every ingest process of one deployment joins this consumer group and gets its share of the partitions. */
  @name('KAFKA_INGEST_GROUP') ingestGroup = 'lifecycle-ingest';

  /** How soon the partitions of an ingest process that died without leaving move to the others. */
  @IsInt() @Min(6_000) @Max(300_000) sessionTimeoutMs = 30_000;

  /**
   * KAFKA_INGEST_CONCURRENCY: partitions one ingest process works on at once. Unset: 4 on Postgres
   * (one partition's append overlaps another's deciding), 1 on PGlite (it runs in this very thread,
   * so nothing would overlap).
   */
  @IsOptional() @IsInt() @Min(1) @Max(64) ingestConcurrency?: number;

  @ValidateNested() @Type(() => KafkaTopicsConfig) topics = new KafkaTopicsConfig();
}

/** KAFKA_INGEST_CONCURRENCY, or its default for the storage (see KafkaConfig.ingestConcurrency). */
export const ingestConcurrency = (kafka: Pick<KafkaConfig, 'ingestConcurrency'> | undefined, storage: 'embedded' | 'postgres' | 'eventstoredb'): number =>
  kafka?.ingestConcurrency ?? (storage === 'embedded' ? 1 : 4);

const TOPIC_VARIABLES: Record<keyof IngestTopics, string> = {
  purchases: 'KAFKA_TOPIC_PURCHASES',
  refunds: 'KAFKA_TOPIC_REFUNDS',
  interactions: 'KAFKA_TOPIC_INTERACTIONS',
  registrations: 'KAFKA_TOPIC_REGISTRATIONS',
  redemptions: 'KAFKA_TOPIC_REDEMPTIONS',
  deadLetters: 'KAFKA_TOPIC_DLQ',
};

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The raw `kafka` part of the configuration from the environment (validated with the rest). */
export function kafkaConfigFromEnv(env: (name: string) => string | undefined): Record<string, unknown> | undefined {
  const brokers = env('KAFKA_BROKERS');
  if (brokers === undefined) return undefined;
  return defined({
    brokers: brokers.split(',').map((b) => b.trim()).filter((b) => b !== ''),
    clientId: env('KAFKA_CLIENT_ID'),
    ingestGroup: env('KAFKA_INGEST_GROUP'),
    sessionTimeoutMs: env('KAFKA_SESSION_TIMEOUT_MS') === undefined ? undefined : Number(env('KAFKA_SESSION_TIMEOUT_MS')),
    ingestConcurrency: env('KAFKA_INGEST_CONCURRENCY') === undefined ? undefined : Number(env('KAFKA_INGEST_CONCURRENCY')),
    topics: defined(Object.fromEntries(Object.entries(TOPIC_VARIABLES).map(([field, variable]) => [field, env(variable)]))),
  });
}
