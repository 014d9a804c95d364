import { ConfigError, loadEngineConfig } from '../config/engine-config';

describe('Kafka configuration', () => {
  it('is absent without KAFKA_BROKERS: no ingest, HTTP only', () => {
    expect(loadEngineConfig({}).kafka).toBeUndefined();
  });

  it('leaves the ingest concurrency to the storage when unset', () => {
    expect(loadEngineConfig({ KAFKA_BROKERS: 'k:9092' }).kafka?.ingestConcurrency).toBeUndefined();
  });

  it('reads the brokers, the group and every topic name, with the documented defaults', () => {
    const { kafka } = loadEngineConfig({
      KAFKA_BROKERS: 'k1:9092, k2:9093', KAFKA_TOPIC_REFUNDS: 'shop.refunds', KAFKA_SESSION_TIMEOUT_MS: '10000', KAFKA_INGEST_CONCURRENCY: '6',
    });
    expect(kafka).toMatchObject({
      brokers: ['k1:9092', 'k2:9093'],
      clientId: 'lifecycle-engine',
      ingestGroup: 'lifecycle-ingest',
      sessionTimeoutMs: 10_000,
      ingestConcurrency: 6,
      topics: {
        purchases: 'orders.purchases', refunds: 'shop.refunds', interactions: 'customer.interactions',
        registrations: 'customer.registrations', redemptions: 'loyalty.redemptions', deadLetters: 'lifecycle.dlq',
      },
    });
  });

  it('stops the start with the variable and the reason', () => {
    expect(() => loadEngineConfig({ ROLE: 'ingest' })).toThrow(/ROLE=ingest needs KAFKA_BROKERS/);
    expect(() => loadEngineConfig({ KAFKA_BROKERS: 'localhost' })).toThrow(/KAFKA_BROKERS must be host:port/);
    expect(() => loadEngineConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_TOPIC_DLQ: 'dead letters' })).toThrow(/KAFKA_TOPIC_DLQ may contain only/);
    expect(() => loadEngineConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_SESSION_TIMEOUT_MS: '1000' })).toThrow(ConfigError);
    expect(() => loadEngineConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_INGEST_CONCURRENCY: '0' })).toThrow(/ingestConcurrency/);
    expect(() => loadEngineConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_INGEST_CONCURRENCY: 'many' })).toThrow(/ingestConcurrency/);
  });
});
