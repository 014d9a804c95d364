import { Logger, type Provider } from '@nestjs/common';
import { kafkaMessaging } from '@lifecycle/messaging';
import { EngineConfig } from '../config/engine-config';
import { Clock } from '../storage/clock';
import { Storage } from '../storage/storage';
import { IngestBatchProcessor } from './ingest-batch-processor';
import { ingestConcurrency } from './kafka-config';
import { KafkaIngest } from './kafka-ingest';

/** Roles that run the Kafka ingest consumer (when KAFKA_BROKERS is set). */
export const runsIngest = (config: EngineConfig): boolean => config.kafka !== undefined && (config.role === 'all' || config.role === 'ingest');

/** The ingest pieces for AppModule: none without Kafka or in a role that does not ingest. */
export function ingestProviders(config: EngineConfig): Provider[] {
  const kafka = config.kafka;
  if (!kafka || !runsIngest(config)) return [];
  const log = new Logger('Kafka');
  return [
    IngestBatchProcessor,
    {
      provide: KafkaIngest,
      inject: [IngestBatchProcessor, Clock, Storage],
      useFactory: (processor: IngestBatchProcessor, clock: Clock, storage: Storage) =>
        new KafkaIngest(
          kafkaMessaging({
            brokers: kafka.brokers,
            clientId: kafka.clientId,
            log: (level, message, fields) => (level === 'error' ? log.error({ msg: message, ...fields }) : level === 'warn' ? log.warn({ msg: message, ...fields }) : log.debug({ msg: message, ...fields })),
          }),
          processor,
          clock,
          {
            groupId: kafka.ingestGroup, topics: kafka.topics, sessionTimeoutMs: kafka.sessionTimeoutMs,
            partitionsConsumedConcurrently: ingestConcurrency(kafka, storage.kind),
          },
        ),
    },
  ];
}
