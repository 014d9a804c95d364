import type { IntegrationMessageType } from '@lifecycle/domain';

/** Where each integration message type goes on Kafka; every name can be changed by configuration. */
export type IntegrationTopics = Readonly<Record<IntegrationMessageType, string>>;

/** The documented defaults: each type on the topic of its own name. */
export const DEFAULT_INTEGRATION_TOPICS: IntegrationTopics = Object.freeze({
  'customer.lifecycle': 'customer.lifecycle',
  'customer.tier': 'customer.tier',
  'loyalty.points': 'loyalty.points',
  'customer.messages': 'customer.messages',
  'winback.actions': 'winback.actions',
});

/** Headers every integration record carries, so a consumer can dedupe or route without parsing the body. */
export const IDEMPOTENCY_KEY_HEADER = 'x-idempotency-key';
export const MESSAGE_TYPE_HEADER = 'x-message-type';
export const INTEGRATION_SCHEMA_VERSION_HEADER = 'x-schema-version';
