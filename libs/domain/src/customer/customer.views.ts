import type { InteractionKind, SealedPersonalData } from './customer.events';
import type { CustomerState, InteractionRecord, RefundRecord, RegistrationStatus } from './customer.state';

/**
 * Read functions over the state. The engine answers a command from the state the decision leaves
 * behind, so a repeated command (which decides nothing) answers with what the first one recorded.
 */

export interface CustomerProfile {
  /** Undefined only before the first event. */
  readonly customerId: string | undefined;
  readonly registered: RegistrationStatus;
  readonly registeredAt?: string;
  readonly channel?: string;
  readonly referrerId?: string;
  readonly currency?: string;
  /** Every distinct order, fully refunded ones included: they were still purchases. */
  readonly orderCount: number;
  readonly fullyRefundedOrderCount: number;
  /** Minor units of `currency`. */
  readonly grossSpend: number;
  readonly refundedAmount: number;
  readonly netSpend: number;
  readonly firstPurchaseAt?: string;
  readonly lastPurchaseAt?: string;
  readonly interactionCounts: Readonly<Record<InteractionKind, number>>;
  readonly lastInteractionAt?: string;
  readonly erased: boolean;
  readonly erasedAt?: string;
  /** Still sealed; absent once erased. */
  readonly personal?: SealedPersonalData;
}

export const customerProfile = (s: CustomerState): CustomerProfile => ({
  customerId: s.customerId,
  registered: s.registration,
  registeredAt: s.registeredAt,
  channel: s.channel,
  referrerId: s.referrerId,
  currency: s.currency,
  orderCount: s.orders.size,
  fullyRefundedOrderCount: s.fullyRefundedOrders,
  grossSpend: s.grossSpend,
  refundedAmount: s.refundedAmount,
  netSpend: s.grossSpend - s.refundedAmount,
  firstPurchaseAt: s.firstPurchaseAt,
  lastPurchaseAt: s.lastPurchaseAt,
  interactionCounts: s.interactionCounts,
  lastInteractionAt: s.lastInteractionAt,
  erased: s.erasedAt !== undefined,
  erasedAt: s.erasedAt,
  personal: s.personal,
});

export interface OrderView {
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly occurredAt: string;
  readonly refundedAmount: number;
  readonly netAmount: number;
}

export const orderOf = (s: CustomerState, orderId: string): OrderView | undefined => {
  const o = s.orders.get(orderId);
  return o && {
    orderId: o.orderId,
    amount: o.amount,
    currency: o.currency,
    occurredAt: o.occurredAt,
    refundedAmount: o.refundedAmount,
    netAmount: o.amount - o.refundedAmount,
  };
};

export const refundOf = (s: CustomerState, refundId: string): RefundRecord | undefined => s.refunds.get(refundId);

export const interactionOf = (s: CustomerState, interactionId: string): InteractionRecord | undefined =>
  s.interactions.get(interactionId);
