import { conflict, notFound, rejected } from '../shared/domain-error';
import { ErrorCode } from '../shared/error-codes';
import type { Decider, DecisionContext } from '../shared/message';
import { isKnownCurrency, isMinorUnits } from '../shared/money';
import { optionalText, requireId, requireInstant, requireText } from '../shared/validation';
import type {
  CustomerCommand, EraseCustomer, RecordInteraction, RecordPurchase, RefundPurchase, RegisterCustomer,
} from './customer.commands';
import {
  type CustomerEvent, type CustomerRegistered, type CustomerStreamEvent, IMPLICIT_CHANNEL, INTERACTION_KINDS, type InteractionKind,
  type InteractionRecorded, type PurchaseItem, type PurchaseRecorded, type SealedPersonalData,
} from './customer.events';
import { type CustomerState, evolve, initialState, orderDigest, registrationDigest } from './customer.state';
import { StreamMismatchError } from './stream-mismatch-error';
import { decideLoyalty, isPurchaseRecorded, isPurchaseRefunded, loyaltyOnPurchase, loyaltyOnRefund } from '../loyalty/loyalty.decide';
import { checkReferrer } from '../loyalty/referral';
import { requireRules } from '../loyalty/rules-missing-error';

export { StreamMismatchError };

/**
 * The customer decider. Every command follows the same order:
 *  1. check the command's own fields (it may come from Kafka or the CLI, not only the HTTP API);
 *  2. if its upstream id is already recorded: same facts decide nothing (the engine answers from
 *     the state, as the first time), different facts are a conflict;
 *  3. only then the rules for new facts (erasure, currency, refundable amount...). Rules may change
 *     over time; a fact once recorded stays answerable.
 * With loyalty rules in the context, a new purchase also redeems its coupon, earns points and may
 * upgrade the tier; a new refund claws points back and may release the coupon.
 */
export const decide = (command: CustomerCommand, state: CustomerState, context: DecisionContext): readonly CustomerStreamEvent[] => {
  const customerId = requireId(command.data.customerId, 'customerId');
  if (state.customerId !== undefined && state.customerId !== customerId) {
    throw new StreamMismatchError(customerId, state.customerId);
  }
  switch (command.type) {
    case 'RegisterCustomer':
      return registerCustomer(command, state);
    case 'RecordPurchase':
      return withLoyalty(recordPurchase(command, state, context), state, context);
    case 'RefundPurchase':
      return withLoyalty(refundPurchase(command, state), state, context);
    case 'RecordInteraction':
      return recordInteraction(command, state);
    case 'EraseCustomer':
      return eraseCustomer(command, state, context);
    case 'RedeemPoints':
    case 'AdjustPoints':
    case 'ExpirePoints':
    case 'EvaluateTier':
    case 'IssueCoupon':
    case 'GrantBirthdayReward':
      return decideLoyalty(command, state, context);
    default: {
      const unknown: never = command;
      throw rejected(ErrorCode.UNKNOWN_COMMAND, `unknown command ${(unknown as { type: unknown }).type}`, { field: 'type' });
    }
  }
};

export const customerDecider: Decider<CustomerCommand, CustomerStreamEvent, CustomerState> = { initialState, evolve, decide };

/** The loyalty consequences of a new purchase or refund (nothing for a repeat, nothing without rules). */
const withLoyalty = (decided: CustomerEvent[], state: CustomerState, context: DecisionContext): CustomerStreamEvent[] => {
  const fact = decided.find((e) => isPurchaseRecorded(e) || isPurchaseRefunded(e));
  if (!fact || !context.rules) return decided;
  const after = decided.reduce(evolve, state);
  const loyalty = isPurchaseRecorded(fact)
    ? loyaltyOnPurchase(state, fact.data, after, context.rules)
    : loyaltyOnRefund(state, fact.data as Extract<CustomerEvent, { type: 'PurchaseRefunded' }>['data'], after, context.rules);
  return [...decided, ...loyalty];
};

const registerCustomer = ({ data }: RegisterCustomer, state: CustomerState): CustomerEvent[] => {
  const referrerId = data.referrerId == null ? undefined : requireId(data.referrerId, 'referrerId');
  if (referrerId === data.customerId) {
    throw rejected(ErrorCode.SELF_REFERRAL, `customer ${data.customerId} cannot refer itself`, { field: 'referrerId' });
  }
  const event: CustomerRegistered = {
    type: 'CustomerRegistered',
    data: definedOnly({
      customerId: data.customerId,
      registeredAt: requireInstant(data.registeredAt, 'registeredAt'),
      channel: requireText(data.channel, 'channel'),
      referrerId,
      personal: data.personal == null ? undefined : sealedPersonalData(data.personal),
      implicit: false,
    }),
  };
  if (state.registration === 'explicit') {
    if (state.registrationDigest === registrationDigest(event.data)) return [];
    throw conflict(ErrorCode.REGISTRATION_CONFLICT, `customer ${data.customerId} is already registered with different facts`);
  }
  // An implicit registration (a purchase came first) is completed by the first explicit one.
  refuseIfErased(state);
  if (referrerId !== undefined && data.referrer != null) checkReferrer(data.customerId, referrerId, data.referrer);
  return [event];
};

const recordPurchase = ({ data }: RecordPurchase, state: CustomerState, context: DecisionContext): CustomerEvent[] => {
  const orderId = requireId(data.orderId, 'orderId');
  if (!isMinorUnits(data.amount)) {
    throw rejected(ErrorCode.INVALID_AMOUNT, 'amount must be a non-negative integer number of minor units', { field: 'amount' });
  }
  const purchase: PurchaseRecorded = {
    type: 'PurchaseRecorded',
    data: definedOnly({
      customerId: data.customerId,
      orderId,
      amount: data.amount,
      currency: requireText(data.currency, 'currency'),
      occurredAt: requireInstant(data.occurredAt, 'occurredAt'),
      items: purchaseItems(data.items),
      paymentMethod: optionalText(data.paymentMethod, 'paymentMethod'),
      couponCode: optionalText(data.couponCode, 'couponCode'),
      couponId: data.couponId == null ? undefined : requireId(data.couponId, 'couponId'),
    }),
  };
  if (purchase.data.couponId !== undefined) requireRules(context, 'redeeming a coupon');
  const known = state.orders.get(orderId);
  if (known) {
    if (known.digest === orderDigest(purchase.data)) return [];
    throw conflict(ErrorCode.ORDER_CONFLICT, `order ${orderId} was already recorded with different facts`, { field: 'orderId' });
  }
  refuseIfErased(state);
  const { currency } = purchase.data;
  if (!isKnownCurrency(currency)) {
    throw rejected(ErrorCode.UNKNOWN_CURRENCY, `currency ${currency} is not an ISO 4217 code (upper case, e.g. EUR)`, { field: 'currency' });
  }
  if (state.currency !== undefined && currency !== state.currency) {
    throw rejected(
      ErrorCode.CURRENCY_MISMATCH,
      `customer ${data.customerId} buys in ${state.currency} (fixed by the first purchase); order ${orderId} is in ${currency}`,
      { field: 'currency' },
    );
  }
  if (state.registration !== 'none') return [purchase];
  // Upstream order systems do not always send the registration first; the purchase stands in for it.
  const registration: CustomerRegistered = {
    type: 'CustomerRegistered',
    data: { customerId: data.customerId, registeredAt: purchase.data.occurredAt, channel: IMPLICIT_CHANNEL, implicit: true },
  };
  return [registration, purchase];
};

const refundPurchase = ({ data }: RefundPurchase, state: CustomerState): CustomerEvent[] => {
  const refundId = requireId(data.refundId, 'refundId');
  const orderId = requireId(data.orderId, 'orderId');
  const { amount } = data;
  if (!isMinorUnits(amount) || amount === 0) {
    throw rejected(ErrorCode.REFUND_INVALID_AMOUNT, 'amount must be a positive integer number of minor units', { field: 'amount' });
  }
  const occurredAt = requireInstant(data.occurredAt, 'occurredAt');
  const currency = optionalText(data.currency, 'currency');
  const known = state.refunds.get(refundId);
  if (known) {
    const same = known.orderId === orderId && known.amount === amount && known.occurredAt === occurredAt && (currency ?? known.currency) === known.currency;
    if (same) return [];
    throw conflict(ErrorCode.REFUND_CONFLICT, `refund ${refundId} was already recorded with different facts`, { field: 'refundId' });
  }
  refuseIfErased(state);
  const order = state.orders.get(orderId);
  if (!order) {
    throw rejected(ErrorCode.REFUND_UNKNOWN_ORDER, `customer ${data.customerId} has no order ${orderId}`, { field: 'orderId' });
  }
  if (currency !== undefined && currency !== order.currency) {
    throw rejected(ErrorCode.REFUND_CURRENCY_MISMATCH, `order ${orderId} was paid in ${order.currency}, not ${currency}`, { field: 'currency' });
  }
  const refundable = order.amount - order.refundedAmount;
  if (amount > refundable) {
    throw rejected(
      ErrorCode.REFUND_EXCEEDS_PAID,
      `order ${orderId} has ${refundable} minor units of ${order.currency} left to refund, not ${amount}`,
      { field: 'amount', refundable },
    );
  }
  return [{ type: 'PurchaseRefunded', data: { customerId: data.customerId, refundId, orderId, amount, currency: order.currency, occurredAt } }];
};

const recordInteraction = ({ data }: RecordInteraction, state: CustomerState): CustomerEvent[] => {
  const interactionId = requireId(data.interactionId, 'interactionId');
  const kind = interactionKind(data.kind);
  const satisfaction = optionalScore(data.satisfaction, 'satisfaction', 1, 5);
  const nps = optionalScore(data.nps, 'nps', 0, 10);
  if (kind !== 'survey' && (satisfaction !== undefined || nps !== undefined)) {
    const field = satisfaction !== undefined ? 'satisfaction' : 'nps';
    throw rejected(ErrorCode.INVALID_SCORE, `only a survey carries ${field}; this is ${kind}`, { field });
  }
  if (kind === 'survey' && satisfaction === undefined && nps === undefined) {
    throw rejected(ErrorCode.INVALID_SCORE, 'a survey needs satisfaction (1-5) or nps (0-10)', { field: 'satisfaction' });
  }
  const event: InteractionRecorded = {
    type: 'InteractionRecorded',
    data: definedOnly({
      customerId: data.customerId,
      interactionId,
      kind,
      channel: optionalText(data.channel, 'channel'),
      occurredAt: requireInstant(data.occurredAt, 'occurredAt'),
      satisfaction,
      nps,
      actionId: data.actionId === undefined ? undefined : requireId(data.actionId, 'actionId'),
    }),
  };
  const known = state.interactions.get(interactionId);
  if (known) {
    const d = event.data;
    const same = known.kind === d.kind && known.channel === d.channel && known.occurredAt === d.occurredAt
      && known.satisfaction === d.satisfaction && known.nps === d.nps && known.actionId === d.actionId;
    if (same) return [];
    throw conflict(ErrorCode.INTERACTION_CONFLICT, `interaction ${interactionId} was already recorded with different facts`, { field: 'interactionId' });
  }
  // Only purchases register a customer implicitly; an open or a complaint from nobody we know is refused.
  if (state.registration === 'none') throw customerNotFound(data.customerId);
  refuseIfErased(state);
  return [event];
};

const eraseCustomer = ({ data }: EraseCustomer, state: CustomerState, context: DecisionContext): CustomerEvent[] => {
  if (state.erasedAt !== undefined) return [];
  if (state.registration === 'none') throw customerNotFound(data.customerId);
  return [{ type: 'CustomerErased', data: { customerId: data.customerId, erasedAt: context.now } }];
};

const customerNotFound = (customerId: string) => notFound(ErrorCode.CUSTOMER_NOT_FOUND, `customer ${customerId} does not exist`);

const refuseIfErased = (state: CustomerState): void => {
  if (state.erasedAt !== undefined) {
    throw rejected(ErrorCode.CUSTOMER_ERASED, `customer ${state.customerId} was erased on ${state.erasedAt}; no new facts are recorded`);
  }
};

const sealedPersonalData = (value: SealedPersonalData): SealedPersonalData => {
  const { sealed, fingerprint, keyId } = value as Partial<Record<keyof SealedPersonalData, unknown>>;
  const ok = [sealed, fingerprint, keyId].every((part) => typeof part === 'string' && part !== '');
  if (!ok) throw rejected(ErrorCode.INVALID_FIELD, 'personal must be sealed personal data (sealed, fingerprint, keyId)', { field: 'personal' });
  return { sealed: sealed as string, fingerprint: fingerprint as string, keyId: keyId as string };
};

const purchaseItems = (value: unknown): readonly PurchaseItem[] | undefined => {
  if (value == null) return undefined;
  if (!Array.isArray(value)) throw rejected(ErrorCode.INVALID_ITEM, 'items must be a list', { field: 'items' });
  return value.length === 0 ? undefined : value.map((item: unknown, i) => purchaseItem(item, `items[${i}]`));
};

const purchaseItem = (item: unknown, field: string): PurchaseItem => {
  const invalid = (part: string, rule: string) => rejected(ErrorCode.INVALID_ITEM, `${field}.${part} ${rule}`, { field: `${field}.${part}` });
  if (typeof item !== 'object' || item === null) throw rejected(ErrorCode.INVALID_ITEM, `${field} must be an object`, { field });
  const { sku, category, quantity, amount } = item as Record<string, unknown>;
  if (typeof sku !== 'string' || sku === '') throw invalid('sku', 'must be a non-empty string');
  if (category != null && (typeof category !== 'string' || category === '')) throw invalid('category', 'must be a non-empty string');
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) throw invalid('quantity', 'must be a positive integer');
  if (!isMinorUnits(amount)) throw invalid('amount', 'must be a non-negative integer number of minor units');
  return definedOnly({ sku, category: category ?? undefined, quantity, amount });
};

const interactionKind = (kind: unknown): InteractionKind => {
  if (!(INTERACTION_KINDS as readonly unknown[]).includes(kind)) {
    throw rejected(ErrorCode.UNKNOWN_INTERACTION_KIND, `kind must be one of ${INTERACTION_KINDS.join(', ')}`, { field: 'kind' });
  }
  return kind as InteractionKind;
};

const optionalScore = (value: unknown, field: string, min: number, max: number): number | undefined => {
  if (value == null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw rejected(ErrorCode.INVALID_SCORE, `${field} must be an integer from ${min} to ${max}`, { field });
  }
  return value;
};

// Events are stored as JSON; leaving absent fields out (rather than `undefined`) keeps what is
// decided equal to what is read back.
const definedOnly = <T extends object>(value: T): T => {
  // A plain loop: every recorded fact goes through here, and entries/filter/fromEntries allocate three times.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
};
