import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { kafkaMessaging } from '@lifecycle/messaging';
import { InProcessIntegrationBus, type IntegrationTransport, kafkaIntegrationTransport } from '@lifecycle/messaging/integration-events';
import { EngineConfig } from '../config/engine-config';
import { Storage } from '../storage/storage';
import { integrationTopicsOf } from './integration-events.config';
import { voidLease } from './integration-outbox.sql';
import { IntegrationPublisher, type PublisherStatus } from './integration-publisher';

/**
 * Another host of this process (the win-back sagas read customer.lifecycle) may create the same topic
 * at the same moment, and kafkajs fails the second creation (TOPIC_ALREADY_EXISTS): asked again, the
 * topic is there.
 */
export async function ensureTopicsRetrying(ensure: () => Promise<unknown>, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensure();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** ROLE=all|projector publish (one process at a time, by lease), unless INTEGRATION_EVENTS=off. */
export const runsIntegrationEvents = (config: EngineConfig): boolean =>
  config.integrationEvents.enabled === 'on' && (config.role === 'all' || config.role === 'projector');

/**
 * Hosts the integration publisher: Kafka when KAFKA_BROKERS is set (topics created if missing),
 * otherwise the in-process bus that subscribers in this process take from Nest. Started on
 * bootstrap, stopped (after the batch in flight, lease let go) before storage closes.
 */
@Injectable()
export class IntegrationEventsHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('IntegrationEvents');
  private publisher: IntegrationPublisher | undefined;
  private transport: IntegrationTransport | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly config: EngineConfig,
    private readonly bus: InProcessIntegrationBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsIntegrationEvents(this.config)) return;
    const settings = this.config.integrationEvents;
    const kafka = this.config.kafka;
    if (kafka) {
      const messaging = kafkaMessaging({ brokers: kafka.brokers, clientId: kafka.clientId });
      const topics = integrationTopicsOf(settings.topics);
      await ensureTopicsRetrying(() => messaging.ensureTopics(Object.values(topics)));
      this.transport = kafkaIntegrationTransport(await messaging.producer(), topics);
    } else {
      this.transport = this.bus;
    }
    if (this.storage.kind === 'embedded') await voidLease(this.storage.readStore, 'default');
    this.publisher = new IntegrationPublisher({
      dataSource: this.storage.readStore,
      eventStore: this.storage.eventStore,
      transport: this.transport,
      maxAgeMs: settings.maxAgeHours * 3_600_000,
      batchSize: settings.batchSize,
      pollIntervalMs: settings.pollIntervalMs,
      leaseMs: settings.leaseMs,
      onError: (error) => this.log.error({ msg: 'integration publisher batch failed; it will be tried again', err: error }),
    });
    this.publisher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.publisher?.stop();
    if (this.transport !== this.bus) await this.transport?.close();
    this.publisher = undefined;
  }

  /** Read-your-writes for tests and tools: resolves once everything in the log now has been considered. */
  async caughtUp(timeoutMs?: number): Promise<void> {
    await this.publisher?.caughtUp(timeoutMs);
  }

  /** From the table, so a process that does not publish (ROLE=api) shows what the publisher did. */
  async status(): Promise<PublisherStatus> {
    return this.publisher ? this.publisher.status() : IntegrationPublisher.statusOf(this.storage.readStore);
  }
}
