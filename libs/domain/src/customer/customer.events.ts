import type { Event } from '../shared/message';
import type { LoyaltyEvent } from '../loyalty/loyalty.events';

/**
 * Personal data as it sits in the log: sealed (AES-256-GCM) with the customer's own key, which
 * lives outside the log. The domain never sees clear text; `fingerprint` is a keyed hash (HMAC with
 * the same customer key) of the clear fields, so that "registered twice with the same facts" can be
 * decided without decrypting. Both become meaningless once the key is destroyed.
 */
export interface SealedPersonalData {
  readonly sealed: string;
  readonly fingerprint: string;
  readonly keyId: string;
}

export type RegistrationChannel = string;

/** The channel of a registration that a purchase made on its own (see `implicit`). */
export const IMPLICIT_CHANNEL = 'implicit';

export type CustomerRegistered = Event<
  'CustomerRegistered',
  {
    customerId: string;
    registeredAt: string;
    channel: RegistrationChannel;
    referrerId?: string;
    personal?: SealedPersonalData;
    /** true when a purchase arrived before any registration and registered the customer. */
    implicit: boolean;
  }
>;

export interface PurchaseItem {
  readonly sku: string;
  readonly category?: string;
  readonly quantity: number;
  readonly amount: number; // minor units
}

export type PurchaseRecorded = Event<
  'PurchaseRecorded',
  {
    customerId: string;
    orderId: string;
    amount: number; // integer minor units
    currency: string; // ISO 4217
    occurredAt: string;
    items?: readonly PurchaseItem[];
    paymentMethod?: string;
    /** Free text from upstream (a shop's own campaign code); not checked. */
    couponCode?: string;
    /** A coupon issued by this engine to this customer, redeemed by the order (see CouponRedeemed). */
    couponId?: string;
  }
>;

export type PurchaseRefunded = Event<
  'PurchaseRefunded',
  {
    customerId: string;
    refundId: string;
    orderId: string;
    amount: number;
    currency: string;
    occurredAt: string;
  }
>;

export const INTERACTION_KINDS = [
  'email_open',
  'email_click',
  'app_visit',
  'support_contact',
  'complaint',
  'survey',
  'event_attended',
  // Delivery feedback on the engine's own outreach (win-back actions name their action id).
  'message_sent',
  'call_completed',
] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export type InteractionRecorded = Event<
  'InteractionRecorded',
  {
    customerId: string;
    interactionId: string;
    kind: InteractionKind;
    channel?: string;
    occurredAt: string;
    satisfaction?: number; // 1-5, surveys only
    nps?: number; // 0-10, surveys only
    /** Feedback on an action the engine sent (a win-back stage): its action id. */
    actionId?: string;
  }
>;

export type CustomerErased = Event<'CustomerErased', { customerId: string; erasedAt: string }>;

export type CustomerEvent =
  | CustomerRegistered
  | PurchaseRecorded
  | PurchaseRefunded
  | InteractionRecorded
  | CustomerErased;

export type CustomerEventType = CustomerEvent['type'];

export const CUSTOMER_EVENT_TYPES: readonly CustomerEventType[] = [
  'CustomerRegistered',
  'PurchaseRecorded',
  'PurchaseRefunded',
  'InteractionRecorded',
  'CustomerErased',
];

/** Everything the customer stream carries: the customer's own events and the loyalty ones. */
export type CustomerStreamEvent = CustomerEvent | LoyaltyEvent;

/** The customer stream also carries loyalty events; this picks out the ones defined here. */
export const isCustomerEvent = (event: { readonly type: string }): event is CustomerEvent =>
  (CUSTOMER_EVENT_TYPES as readonly string[]).includes(event.type);
