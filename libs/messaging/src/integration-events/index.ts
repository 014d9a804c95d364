export * from './integration-topics';
export * from './integration-transport';
export * from './in-process-bus';
export * from './integration-outbox.migration';
