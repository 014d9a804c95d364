import type { Command } from '../shared/message';
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
  }
>;

export type EraseCustomer = Command<'EraseCustomer', { customerId: string }>;

export type CustomerCommand = RegisterCustomer | RecordPurchase | RefundPurchase | RecordInteraction | EraseCustomer;
