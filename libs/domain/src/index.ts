// The public API of the pure domain. The given/when/then helper is imported from
// '@lifecycle/domain/testing/decider-spec' by specs only, so jest never reaches production code.
export * from './shared/message';
export * from './shared/domain-error';
export * from './shared/error-codes';
export { isKnownCurrency, isMinorUnits } from './shared/money';
export { canonicalInstant, canonicalMillis, parseInstant } from './shared/instant';
export { isUpstreamId, UPSTREAM_ID } from './shared/validation';
export { PersistentMap } from './shared/persistent-map';
export { cyrb53, digestOf } from './shared/digest';

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

// Loyalty: rules as data, events and commands on the customer stream, and the reads the engine serves.
export * from './loyalty/loyalty-rules';
export * from './loyalty/loyalty.events';
export * from './loyalty/loyalty.commands';
export type { LotExpiry } from './loyalty/lot-expiry';
export type { LoyaltyState } from './loyalty/loyalty.state';
export type { Lot, PointsMovement, MovementKind, LedgerTotals } from './loyalty/points-ledger';
export { LoyaltyRulesMissingError } from './loyalty/rules-missing-error';
export { settleReferral, type ReferralSettlement, type ReferrerFacts } from './loyalty/referral';
export { pointsView, pointsHistory, type PointsView, type LotView, type PointsHistoryEntry } from './loyalty/points.views';
export { tierView, type TierView, type RollingFigures } from './loyalty/tiers';
export * from './loyalty/liability';
export * from './loyalty/due-work';
export { isTimeZone } from './loyalty/calendar';
export {
  decodeReplay, encodeReplay, initialReplay, LOYALTY_REPLAY_EVENT_TYPES, type LoyaltyReplay, replayDueAt, replayFact, type ReplayScope,
} from './loyalty/loyalty-replay';

// Time as a fact in the log (ticks appended by the live scheduler).
export * from './clock/clock.events';

// Lifecycle stages driven by time (prospect / new / active / dormant / lost) and the churn warning.
export * from './lifecycle/lifecycle-thresholds';
export * from './lifecycle/lifecycle';
export * from './lifecycle/churn-warning';

// RFM: the scoring rule, the segment map and value groups as data (projections/rfm builds on them).
export * from './rfm/rfm-definition';
export * from './rfm/rfm-score';

// Integration events: the messages derived from the log for downstream systems (the outbox fold).
export * from './integration-events';
