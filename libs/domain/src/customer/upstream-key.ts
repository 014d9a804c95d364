import { isLoyaltyEvent, loyaltyKeyOf } from '../loyalty/loyalty.events';
import type { CustomerStreamEvent } from './customer.events';

/**
 * The upstream fact an event records, unique within its customer stream. The engine derives the
 * event id from it (uuid v5 of stream + key), so a redelivered message maps onto the event already
 * in the log instead of a second copy. A customer has at most one implicit and one explicit
 * registration and one erasure, so those keys need no id. Loyalty events are keyed by what made
 * them (order, refund, redemption, lot and expiry instant, review instant...).
 */
export const upstreamKeyOf = (event: CustomerStreamEvent): string => {
  if (isLoyaltyEvent(event)) return loyaltyKeyOf(event);
  switch (event.type) {
    case 'CustomerRegistered':
      return event.data.implicit ? 'registration:implicit' : 'registration:explicit';
    case 'PurchaseRecorded':
      return `order:${event.data.orderId}`;
    case 'PurchaseRefunded':
      return `refund:${event.data.refundId}`;
    case 'InteractionRecorded':
      return `interaction:${event.data.interactionId}`;
    case 'CustomerErased':
      return 'erasure';
    default: {
      const unknown: never = event;
      throw new Error(`no upstream key for event type ${(unknown as { type: unknown }).type}`);
    }
  }
};
