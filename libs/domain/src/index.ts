// The public API of the pure domain. The given/when/then helper is imported from
// '@lifecycle/domain/testing/decider-spec' by specs only, so jest never reaches production code.
export * from './shared/message';
export * from './shared/domain-error';
export * from './shared/error-codes';
export { isKnownCurrency, isMinorUnits } from './shared/money';
export { canonicalInstant, parseInstant } from './shared/instant';
export { isUpstreamId, UPSTREAM_ID } from './shared/validation';
export { PersistentMap } from './shared/persistent-map';

export * from './customer/customer.events';
export * from './customer/customer.commands';
export {
  type CustomerState, evolve, initialState, type InteractionRecord, type OrderRecord, type RefundRecord,
  type RegistrationStatus,
} from './customer/customer.state';
export { customerDecider, decide, StreamMismatchError } from './customer/customer.decide';
export * from './customer/customer.views';
export * from './customer/customer-stream-id';
export { upstreamKeyOf } from './customer/upstream-key';
