import type { Command } from '../shared/message';
import type { LoyaltyCommand } from '../loyalty/loyalty.commands';
import type { ReferrerFacts } from '../loyalty/referral';
import type { InteractionKind, PurchaseItem, SealedPersonalData } from './customer.events';

export type RegisterCustomer = Command<
  'RegisterCustomer',
  {
    customerId: string;
    registeredAt: string;
    channel: string;
    referrerId?: string;
    /** Sealed by the engine before the command reaches the domain. */
    personal?: SealedPersonalData;
    /**
     * Looked up by the engine in the referrer's stream(s). When given, an unknown referrer or a
     * referral cycle is refused at once (422); when not, the referral is declined at settlement.
     */
    referrer?: ReferrerFacts;
  }
>;

export type RecordPurchase = Command<
  'RecordPurchase',
  {
    customerId: string;
    orderId: string;
    amount: number;
    currency: string;
    occurredAt: string;
    items?: readonly PurchaseItem[];
    paymentMethod?: string;
    couponCode?: string;
    /** An engine-issued coupon to redeem with this order (needs the loyalty rules). */
    couponId?: string;
  }
>;

export type RefundPurchase = Command<
  'RefundPurchase',
  {
    customerId: string;
    refundId: string;
    orderId: string;
    amount: number;
    occurredAt: string;
    /** When the source states it, it must be the order's; when absent, the refund takes the order's. */
    currency?: string;
  }
>;

export type RecordInteraction = Command<
  'RecordInteraction',
  {
    customerId: string;
    interactionId: string;
    kind: InteractionKind;
    channel?: string;
    occurredAt: string;
    satisfaction?: number;
    nps?: number;
    actionId?: string;
  }
>;

export type EraseCustomer = Command<'EraseCustomer', { customerId: string }>;

/** Every command the customer decider takes, loyalty ones included. */
export type CustomerCommand = RegisterCustomer | RecordPurchase | RefundPurchase | RecordInteraction | EraseCustomer | LoyaltyCommand;
