export * from './messages';
export * from './ingest-topics';
export * from './dead-letter';
export { kafkaMessaging, type KafkaMessagingOptions, type MessagingLogLevel } from './kafka/kafka-messaging';
export { listDeadLetters, replayDeadLetters, type DeadLetterFilter } from './dead-letter-topic';
export { compileMessageSchemas, type MessageSchemaCheck } from './message-schemas';
export { createTopicsAndWait, TopicsNotReadyError } from './kafka/create-topics';
