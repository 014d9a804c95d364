import { digestOf } from '../shared/digest';
import { isLoyaltyEvent } from '../loyalty/loyalty.events';
import { evolveLoyalty, initialLoyalty, type LoyaltyState } from '../loyalty/loyalty.state';
import { PersistentMap } from '../shared/persistent-map';
import {
  type CustomerErased, type CustomerRegistered, type CustomerStreamEvent, INTERACTION_KINDS, type InteractionKind,
  type InteractionRecorded, type PurchaseRecorded, type PurchaseRefunded, type SealedPersonalData,
} from './customer.events';

export type RegistrationStatus = 'none' | 'implicit' | 'explicit';

/** What the state keeps of an order: enough to answer, to refund, and to recognise a repeat. */
export interface OrderRecord {
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly occurredAt: string;
  readonly refundedAmount: number;
  /** Of every fact the order was recorded with, items included (see `orderDigest`). */
  readonly digest: string;
}

export interface RefundRecord {
  readonly refundId: string;
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly occurredAt: string;
}

export interface InteractionRecord {
  readonly interactionId: string;
  readonly kind: InteractionKind;
  readonly channel?: string;
  readonly occurredAt: string;
  readonly satisfaction?: number;
  readonly nps?: number;
  readonly actionId?: string;
}

/**
 * One customer, folded from its stream. Totals are kept running so that reading them costs nothing,
 * and the per-id records live in persistent maps so that folding thousands of orders stays linear
 * while no state is ever mutated. Read it through the functions in customer.views.ts.
 */
export interface CustomerState {
  readonly customerId?: string;
  readonly registration: RegistrationStatus;
  readonly registeredAt?: string;
  readonly channel?: string;
  readonly referrerId?: string;
  /** Sealed; dropped from the state on erasure (the log keeps the ciphertext, the key is gone). */
  readonly personal?: SealedPersonalData;
  /** Of the explicit registration's facts, to tell a repeat from a conflicting registration. */
  readonly registrationDigest?: string;
  /** Fixed by the first purchase. */
  readonly currency?: string;
  readonly orders: PersistentMap<OrderRecord>;
  readonly refunds: PersistentMap<RefundRecord>;
  readonly interactions: PersistentMap<InteractionRecord>;
  readonly grossSpend: number;
  readonly refundedAmount: number;
  readonly fullyRefundedOrders: number;
  readonly firstPurchaseAt?: string;
  readonly lastPurchaseAt?: string;
  readonly interactionCounts: Readonly<Record<InteractionKind, number>>;
  readonly lastInteractionAt?: string;
  readonly erasedAt?: string;
  /** Points, tier, coupons, referral, birthdays (libs/domain/src/loyalty). */
  readonly loyalty: LoyaltyState;
}

export const initialState = (): CustomerState => ({
  registration: 'none',
  orders: PersistentMap.empty(),
  refunds: PersistentMap.empty(),
  interactions: PersistentMap.empty(),
  grossSpend: 0,
  refundedAmount: 0,
  fullyRefundedOrders: 0,
  interactionCounts: Object.fromEntries(INTERACTION_KINDS.map((kind) => [kind, 0])) as Record<InteractionKind, number>,
  loyalty: initialLoyalty(),
});

// Digests are computed from event data, in decide (on the event it would emit) and in evolve (on the
// event recorded), so both sides see exactly the same normalised facts.
export const registrationDigest = (d: CustomerRegistered['data']): string =>
  digestOf([d.registeredAt, d.channel, d.referrerId ?? null, d.personal?.fingerprint ?? null]);

export const orderDigest = (d: PurchaseRecorded['data']): string =>
  digestOf([
    d.amount,
    d.currency,
    d.occurredAt,
    d.paymentMethod ?? null,
    d.couponCode ?? null,
    (d.items ?? []).map((i) => [i.sku, i.category ?? null, i.quantity, i.amount]),
    d.couponId ?? null,
  ]);

/**
 * Total over every event, so that a stream can be replayed whatever it holds: a repeated upstream
 * id keeps the first record (the log should never hold one, but a replay must not double-count),
 * loyalty events go to the loyalty part, and event types nobody here knows leave the state as it is.
 */
export const evolve = (state: CustomerState, event: CustomerStreamEvent): CustomerState => {
  const withId = state.customerId === undefined ? { ...state, customerId: event.data.customerId } : state;
  if (isLoyaltyEvent(event)) {
    const loyalty = evolveLoyalty(state.loyalty, event);
    return loyalty === state.loyalty ? state : { ...withId, loyalty };
  }
  switch (event.type) {
    case 'CustomerRegistered':
      return registered(withId, event.data);
    case 'PurchaseRecorded':
      return purchaseRecorded(withId, event.data);
    case 'PurchaseRefunded':
      return purchaseRefunded(withId, event.data);
    case 'InteractionRecorded':
      return interactionRecorded(withId, event.data);
    case 'CustomerErased':
      return erased(withId, event.data);
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

const registered = (state: CustomerState, d: CustomerRegistered['data']): CustomerState => {
  if (state.registration === 'explicit' || (d.implicit && state.registration === 'implicit')) return state;
  if (d.implicit) return { ...state, registration: 'implicit', registeredAt: d.registeredAt, channel: d.channel };
  return {
    ...state,
    registration: 'explicit',
    registeredAt: d.registeredAt,
    channel: d.channel,
    referrerId: d.referrerId,
    personal: state.erasedAt === undefined ? d.personal : undefined,
    registrationDigest: registrationDigest(d),
  };
};

const purchaseRecorded = (state: CustomerState, d: PurchaseRecorded['data']): CustomerState => {
  if (state.orders.has(d.orderId)) return state;
  const order: OrderRecord = {
    orderId: d.orderId,
    amount: d.amount,
    currency: d.currency,
    occurredAt: d.occurredAt,
    refundedAmount: 0,
    digest: orderDigest(d),
  };
  return {
    ...state,
    currency: state.currency ?? d.currency,
    orders: state.orders.set(d.orderId, order),
    grossSpend: state.grossSpend + d.amount,
    // Orders arrive out of event-time order, so first/last are minimum and maximum, not first/last seen.
    firstPurchaseAt: state.firstPurchaseAt === undefined || d.occurredAt < state.firstPurchaseAt ? d.occurredAt : state.firstPurchaseAt,
    lastPurchaseAt: state.lastPurchaseAt === undefined || d.occurredAt > state.lastPurchaseAt ? d.occurredAt : state.lastPurchaseAt,
  };
};

const purchaseRefunded = (state: CustomerState, d: PurchaseRefunded['data']): CustomerState => {
  if (state.refunds.has(d.refundId)) return state;
  const refund: RefundRecord = { refundId: d.refundId, orderId: d.orderId, amount: d.amount, currency: d.currency, occurredAt: d.occurredAt };
  const order = state.orders.get(d.orderId);
  const closesOrder = order !== undefined && order.refundedAmount < order.amount && order.refundedAmount + d.amount >= order.amount;
  const refunded = order && { ...order, refundedAmount: order.refundedAmount + d.amount };
  return {
    ...state,
    refunds: state.refunds.set(d.refundId, refund),
    orders: refunded ? state.orders.set(d.orderId, refunded) : state.orders,
    refundedAmount: state.refundedAmount + d.amount,
    fullyRefundedOrders: state.fullyRefundedOrders + (closesOrder ? 1 : 0),
  };
};

const interactionRecorded = (state: CustomerState, d: InteractionRecorded['data']): CustomerState => {
  if (state.interactions.has(d.interactionId)) return state;
  const interaction: InteractionRecord = {
    interactionId: d.interactionId,
    kind: d.kind,
    occurredAt: d.occurredAt,
    ...(d.channel !== undefined && { channel: d.channel }),
    ...(d.satisfaction !== undefined && { satisfaction: d.satisfaction }),
    ...(d.nps !== undefined && { nps: d.nps }),
    ...(d.actionId !== undefined && { actionId: d.actionId }),
  };
  return {
    ...state,
    interactions: state.interactions.set(d.interactionId, interaction),
    interactionCounts: { ...state.interactionCounts, [d.kind]: (state.interactionCounts[d.kind] ?? 0) + 1 },
    lastInteractionAt: state.lastInteractionAt === undefined || d.occurredAt > state.lastInteractionAt ? d.occurredAt : state.lastInteractionAt,
  };
};

const erased = (state: CustomerState, d: CustomerErased['data']): CustomerState =>
  state.erasedAt !== undefined ? state : { ...state, erasedAt: d.erasedAt, personal: undefined };
