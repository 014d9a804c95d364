import type { CouponOffer, TierFigures } from '../loyalty/loyalty.events';

/**
 * Integration events: what the engine tells downstream systems (messaging, CRM, win-back sagas).
 * They are derived from the event log by pure functions and published by position with a durable
 * checkpoint, so each carries the id and log position of the event it came from and an
 * idempotency key that a re-send after a crash repeats exactly.
 */

/** The message types; each goes out on the topic of the same name unless configured otherwise. */
export const INTEGRATION_MESSAGE_TYPES = ['customer.lifecycle', 'customer.tier', 'loyalty.points', 'customer.messages', 'winback.actions'] as const;
export type IntegrationMessageType = (typeof INTEGRATION_MESSAGE_TYPES)[number];

/** The version of every payload schema in libs/messaging/schemas/v1; bumped only by a breaking change. */
export const INTEGRATION_SCHEMA_VERSION = 1;

/** An event as read from the global log, reduced to what derivation needs (no store types here). */
export interface SourceEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly streamId: string;
  readonly position: { readonly tx: bigint; readonly pos: bigint };
  /** When the store wrote it (ISO-8601): the reference for "is this news or history?". */
  readonly recordedAt: string;
}

/** The place in the log a message came from; positions as decimal strings (64-bit in the store). */
export interface MessageSource {
  readonly eventId: string;
  readonly eventType: string;
  readonly streamId: string;
  readonly position: { readonly tx: string; readonly pos: string };
}

export interface IntegrationMessage<T extends IntegrationMessageType = IntegrationMessageType, P extends object = IntegrationPayloads[T]> {
  readonly type: T;
  readonly schemaVersion: typeof INTEGRATION_SCHEMA_VERSION;
  /** `<type>:<source event id>[:<part>]`: the same for every re-send, unique per message. */
  readonly idempotencyKey: string;
  /** Also the Kafka key: one customer's messages stay in order on one partition. */
  readonly customerId: string;
  /** The instant the fact took effect (event time, or the due moment of a time-driven change). */
  readonly occurredAt: string;
  readonly source: MessageSource;
  readonly payload: P;
}

export type LifecycleStageName = 'prospect' | 'new' | 'active' | 'dormant' | 'lost';

export interface LifecyclePayload {
  /** null for a customer's first stage (prospect at registration, new at the first purchase). */
  readonly from: LifecycleStageName | null;
  readonly to: LifecycleStageName;
  readonly at: string;
  /** What moved the customer: a purchase, time passing without one, erasure, ... */
  readonly cause: string;
}

export interface TierPayload {
  readonly from: string;
  readonly to: string;
  readonly reason: 'upgrade' | 'review';
  readonly trigger: string;
  readonly changedAt: string;
  readonly nextReviewAt?: string;
  readonly figures: TierFigures;
}

export const POINTS_MOVEMENT_KINDS = ['earned', 'redeemed', 'expired', 'adjusted', 'clawed_back', 'expiry_warning'] as const;
export type PointsMovementKind = (typeof POINTS_MOVEMENT_KINDS)[number];

export interface PointsPayload {
  readonly kind: PointsMovementKind;
  /** Always positive: the points earned, spent, expired, adjusted (either way) or about to expire. */
  readonly points: number;
  /** What the balance changed by: + earned, - redeemed / expired / clawed back, ± adjusted, 0 for a warning. */
  readonly balanceChange: number;
  readonly at: string;
  readonly lotId?: string;
  /** earned: purchase, referral, birthday; adjusted: goodwill, complaint, ... */
  readonly reason?: string;
  readonly orderId?: string;
  readonly redemptionId?: string;
  readonly rewardId?: string;
  readonly refundId?: string;
  readonly adjustmentId?: string;
  /** earned: when the lot expires (fixed-date policies); expiry_warning: when the points expire. */
  readonly expiresAt?: string;
}

export interface IssuedCoupon {
  readonly couponId: string;
  readonly offer: CouponOffer;
  readonly validFrom: string;
  readonly validTo: string;
}

export type CustomerMessagePayload =
  | {
      readonly programme: 'birthday-greeting';
      readonly year: number;
      /** The local date celebrated (Feb 28 for a Feb 29 birthday in a common year). */
      readonly celebratedOn: string;
      readonly points?: number;
      readonly coupon?: IssuedCoupon;
    }
  | {
      readonly programme: 'points-expiry-warning';
      readonly lotId: string;
      readonly points: number;
      readonly expiresAt: string;
    };

/**
 * One win-back action for one customer (the stages of libs/sagas: a message, a service call-back, a
 * gift), derived from the sagas' stage events by their `IntegrationSource`.
 */
export interface WinbackActionPayload {
  readonly campaignId: string;
  readonly episode: number;
  readonly stage: number;
  readonly stageName: string;
  /** The saga's action id: the same for every re-send of this action. */
  readonly actionId: string;
  readonly kind: 'message' | 'callback' | 'gift';
  /** message: email, sms, push. */
  readonly channel?: string;
  readonly templateId?: string;
  readonly couponId?: string;
  /** callback: the service queue. */
  readonly queue?: string;
  /** gift: what to send. */
  readonly sku?: string;
  /** Minor units committed by this action. */
  readonly cost: number;
  readonly at: string;
}

export interface IntegrationPayloads {
  readonly 'customer.lifecycle': LifecyclePayload;
  readonly 'customer.tier': TierPayload;
  readonly 'loyalty.points': PointsPayload;
  readonly 'customer.messages': CustomerMessagePayload;
  readonly 'winback.actions': WinbackActionPayload;
}

export type AnyIntegrationMessage = { [T in IntegrationMessageType]: IntegrationMessage<T> }[IntegrationMessageType];

export const messageSourceOf = (event: SourceEvent): MessageSource => ({
  eventId: event.id,
  eventType: event.type,
  streamId: event.streamId,
  position: { tx: event.position.tx.toString(), pos: event.position.pos.toString() },
});

/** Builds the envelope; `part` tells apart several messages of one type from one event. */
export const integrationMessage = <T extends IntegrationMessageType>(
  type: T, event: SourceEvent, customerId: string, occurredAt: string, payload: IntegrationPayloads[T], part?: string,
): IntegrationMessage<T> => ({
  type,
  schemaVersion: INTEGRATION_SCHEMA_VERSION,
  idempotencyKey: part === undefined ? `${type}:${event.id}` : `${type}:${event.id}:${part}`,
  customerId,
  occurredAt,
  source: messageSourceOf(event),
  payload,
});
