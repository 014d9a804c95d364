export * from './integration-message';
export { deriveLoyaltyMessages, type LoyaltyDerivation, type PendingGreeting } from './loyalty-messages';
export * from './outbox';
export * from './hold-back';
export type { IntegrationSource } from './integration-source';
