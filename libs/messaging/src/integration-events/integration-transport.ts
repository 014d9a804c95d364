import type { AnyIntegrationMessage } from '@lifecycle/domain';
import type { InboundMessage, MessageProducer, OutboundMessage } from '../messages';
import {
  IDEMPOTENCY_KEY_HEADER, INTEGRATION_SCHEMA_VERSION_HEADER, type IntegrationTopics, MESSAGE_TYPE_HEADER,
} from './integration-topics';

/**
 * Where the publisher hands its messages. `publish` resolves once every message is delivered (Kafka:
 * acknowledged by the in-sync replicas; in-process: every subscriber returned); only then does the
 * publisher move its checkpoint. A rejection moves nothing, and the same messages go again.
 */
export interface IntegrationTransport {
  publish(messages: readonly AnyIntegrationMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** The Kafka record of a message: keyed by customer id, the envelope as the JSON value. */
export const toIntegrationRecord = (message: AnyIntegrationMessage, topics: IntegrationTopics): OutboundMessage => ({
  topic: topics[message.type],
  key: message.customerId,
  value: JSON.stringify(message),
  headers: {
    [IDEMPOTENCY_KEY_HEADER]: message.idempotencyKey,
    [MESSAGE_TYPE_HEADER]: message.type,
    [INTEGRATION_SCHEMA_VERSION_HEADER]: String(message.schemaVersion),
  },
});

/** The envelope back from a record (consumers, tests); throws on a value that is not JSON. */
export const fromIntegrationRecord = (record: InboundMessage): AnyIntegrationMessage =>
  JSON.parse(record.value?.toString('utf8') ?? 'null') as AnyIntegrationMessage;

export const kafkaIntegrationTransport = (producer: MessageProducer, topics: IntegrationTopics): IntegrationTransport => ({
  publish: async (messages) => {
    if (messages.length > 0) await producer.send(messages.map((m) => toIntegrationRecord(m, topics)));
  },
  close: () => producer.close(),
});
