import { PersistentMap } from '../shared/persistent-map';
import { canonicalInstant, parseInstant } from '../shared/instant';
import type { CustomerState } from '../customer/customer.state';
import { addMonths } from './calendar';
import type { TierChanged, TierFigures, TierRetained } from './loyalty.events';
import { type LoyaltyRules, type TierLevel, tierLevelOf } from './loyalty-rules';
import { definedOnly } from './points-ledger';
import { requireAsOf } from './points.views';

/**
 * Member tiers by rolling net spend (and order count, as configured). A purchase that crosses a
 * threshold upgrades at once; only the periodic review (EvaluateTier) moves a tier down, and then
 * exactly to what the rolling window earns, never lower.
 */
export interface TierState {
  /** Undefined: the lowest level, where everyone starts. */
  readonly name?: string;
  readonly since?: string;
  /** Absent on the lowest level: nothing to review. */
  readonly nextReviewAt?: string;
  /** Every change, oldest first (few), for views as of a past instant. */
  readonly history: readonly { readonly at: string; readonly name: string }[];
  readonly triggers: PersistentMap<true>;
}

export const initialTier = (): TierState => ({ history: [], triggers: PersistentMap.empty() });

export const evolveTier = (tier: TierState, event: TierChanged | TierRetained): TierState => {
  const d = event.data;
  if (tier.triggers.has(d.trigger)) return tier;
  const triggers = tier.triggers.set(d.trigger, true);
  if (event.type === 'TierRetained') return { ...tier, triggers, nextReviewAt: event.data.nextReviewAt };
  const c = event.data;
  return definedOnly({
    ...tier, triggers, name: c.to, since: c.changedAt, nextReviewAt: c.nextReviewAt, history: [...tier.history, { at: c.changedAt, name: c.to }],
  });
};

/** The rolling window's figures, without the threshold. */
export type RollingFigures = Omit<TierFigures, 'minSpend' | 'minOrders'>;

/**
 * Net spend over (asOf - windowMonths, asOf]: purchases in the window minus refunds made in the
 * window (never below 0). Orders: those in the window not fully refunded by asOf.
 */
export const rollingFigures = (state: CustomerState, asOfMs: number, rules: LoyaltyRules): RollingFigures => {
  const windowTo = canonicalInstant(asOfMs);
  const windowFrom = canonicalInstant(addMonths(asOfMs, -rules.tierPolicy.windowMonths));
  const { netSpend, orders } = windowTotals(state, windowFrom, windowTo);
  return { windowFrom, windowTo, currency: state.currency ?? rules.defaultCurrency, netSpend, orders, qualifyBy: rules.tierPolicy.qualifyBy };
};

const windowTotals = (state: CustomerState, windowFrom: string, windowTo: string): { readonly netSpend: number; readonly orders: number } => {
  let spend = 0;
  // Only refunds need the per-order sums, and most customers have none: no map for them.
  let refundedBy: Map<string, number> | undefined;
  if (state.refunds.size > 0) {
    refundedBy = new Map();
    for (const refund of state.refunds.values()) {
      if (refund.occurredAt > windowTo) continue;
      refundedBy.set(refund.orderId, (refundedBy.get(refund.orderId) ?? 0) + refund.amount);
      if (refund.occurredAt > windowFrom) spend -= refund.amount;
    }
  }
  let orders = 0;
  for (const order of state.orders.values()) {
    if (order.occurredAt <= windowFrom || order.occurredAt > windowTo) continue;
    spend += order.amount;
    if (order.amount === 0 || (refundedBy?.get(order.orderId) ?? 0) < order.amount) orders++;
  }
  return { netSpend: Math.max(0, spend), orders };
};

const meets = (level: TierLevel, f: Pick<RollingFigures, 'currency' | 'netSpend' | 'orders' | 'qualifyBy'>): boolean => {
  const spend = f.netSpend >= (level.minSpend[f.currency] ?? Infinity);
  const orders = level.minOrders !== undefined && f.orders >= level.minOrders;
  switch (f.qualifyBy) {
    case 'spend':
      return spend;
    case 'spend-and-orders':
      return spend && (level.minOrders === undefined || orders);
    case 'spend-or-orders':
      return spend || orders;
  }
};

/** The highest level the figures reach (the first level is always reached). */
export const qualifiedLevel = (f: RollingFigures, rules: LoyaltyRules): { readonly index: number; readonly figures: TierFigures } => {
  const index = qualifiedIndex(f, rules);
  const level = rules.tiers[index]!;
  return { index, figures: definedOnly({ ...f, minSpend: level.minSpend[f.currency] ?? 0, minOrders: level.minOrders }) };
};

const qualifiedIndex = (f: Pick<RollingFigures, 'currency' | 'netSpend' | 'orders' | 'qualifyBy'>, rules: LoyaltyRules): number => {
  let index = 0;
  for (let i = 1; i < rules.tiers.length; i++) if (meets(rules.tiers[i]!, f)) index = i;
  return index;
};

/**
 * After a purchase: an upgrade when the window ending at the latest purchase reaches a higher level.
 * The purchase itself earned at the tier held before it.
 */
export const upgradeOnPurchase = (after: CustomerState, orderId: string, rules: LoyaltyRules): TierChanged | undefined => {
  const current = tierLevelOf(rules, after.loyalty.tier.name);
  // Nothing above the top level; below it, the totals alone tell whether a higher level is reached,
  // and the figures the event records are only spelled out when it is (a purchase rarely upgrades).
  if (current.index === rules.tiers.length - 1) return undefined;
  const currency = after.currency ?? rules.defaultCurrency;
  const qualifyBy = rules.tierPolicy.qualifyBy;
  // Lifetime figures bound the window's (a level met by less is met by more): when even they reach
  // no higher level, the window scan, linear in the orders, is not needed.
  if (qualifiedIndex({ netSpend: after.grossSpend, orders: after.orders.size, currency, qualifyBy }, rules) <= current.index) return undefined;
  const asOfMs = parseInstant(after.lastPurchaseAt)!;
  const windowTo = canonicalInstant(asOfMs);
  const totals = windowTotals(after, canonicalInstant(addMonths(asOfMs, -rules.tierPolicy.windowMonths)), windowTo);
  if (qualifiedIndex({ ...totals, currency, qualifyBy }, rules) <= current.index) return undefined;
  const { index, figures } = qualifiedLevel(rollingFigures(after, asOfMs, rules), rules);
  return {
    type: 'TierChanged',
    data: {
      customerId: after.customerId!, from: current.level.name, to: rules.tiers[index]!.name, reason: 'upgrade', trigger: `order:${orderId}`,
      changedAt: canonicalInstant(asOfMs), figures, nextReviewAt: canonicalInstant(addMonths(asOfMs, rules.tierPolicy.reviewPeriodMonths)),
      rulesVersion: rules.version,
    },
  };
};

/** The periodic review, due at `nextReviewAt`; nothing before it (cheap and idempotent). */
export const reviewTier = (state: CustomerState, asOfMs: number, rules: LoyaltyRules): (TierChanged | TierRetained)[] => {
  const tier = state.loyalty.tier;
  if (tier.nextReviewAt === undefined || tier.since === undefined || asOfMs < parseInstant(tier.nextReviewAt)!) return [];
  const current = tierLevelOf(rules, tier.name);
  const { index, figures } = qualifiedLevel(rollingFigures(state, asOfMs, rules), rules);
  const trigger = `review:${tier.nextReviewAt}`;
  const period = rules.tierPolicy.reviewPeriodMonths;
  const asOf = canonicalInstant(asOfMs);
  if (index === current.index) {
    // The review schedule stays anchored on `since`, so that month ends do not drift (Jan 31, Feb 28, Mar 28...).
    const sinceMs = parseInstant(tier.since)!;
    let k = 1;
    while (addMonths(sinceMs, k * period) <= asOfMs) k++;
    return [{
      type: 'TierRetained',
      data: {
        customerId: state.customerId!, tier: current.level.name, trigger, reviewedAt: asOf, figures,
        nextReviewAt: canonicalInstant(addMonths(sinceMs, k * period)), rulesVersion: rules.version,
      },
    }];
  }
  return [{
    type: 'TierChanged',
    data: definedOnly({
      customerId: state.customerId!, from: current.level.name, to: rules.tiers[index]!.name, reason: 'review' as const, trigger,
      changedAt: asOf, figures, nextReviewAt: index > 0 ? canonicalInstant(addMonths(asOfMs, period)) : undefined, rulesVersion: rules.version,
    }),
  }];
};

export interface TierView {
  readonly asOf: string;
  readonly tier: string;
  readonly since?: string;
  readonly pointsMultiplier: number;
  readonly discountPercent: number;
  readonly nextReviewAt?: string;
  readonly rolling: RollingFigures;
  /** Absent at the top level. Needed amounts are 0 once reached. */
  readonly next?: {
    readonly tier: string;
    readonly minSpend: number;
    readonly spendNeeded: number;
    readonly minOrders?: number;
    readonly ordersNeeded?: number;
  };
}

/** The tier held at `asOf` (from the recorded changes), and how far the rolling figures are from the next level. */
export const tierView = (state: CustomerState, asOfInstant: string, rules: LoyaltyRules): TierView => {
  const asOfMs = requireAsOf(asOfInstant);
  const asOf = canonicalInstant(asOfMs);
  const held = [...state.loyalty.tier.history].reverse().find((step) => step.at <= asOf);
  const { level, index } = tierLevelOf(rules, held?.name);
  const rolling = rollingFigures(state, asOfMs, rules);
  const nextLevel = rules.tiers[index + 1];
  const isCurrent = held !== undefined && held === state.loyalty.tier.history[state.loyalty.tier.history.length - 1];
  const countsOrders = rules.tierPolicy.qualifyBy !== 'spend' && nextLevel?.minOrders !== undefined;
  return definedOnly({
    asOf,
    tier: level.name,
    since: held?.at ?? state.registeredAt,
    pointsMultiplier: level.pointsMultiplier,
    discountPercent: level.discountPercent,
    nextReviewAt: isCurrent ? state.loyalty.tier.nextReviewAt : undefined,
    rolling,
    next: nextLevel && definedOnly({
      tier: nextLevel.name,
      minSpend: nextLevel.minSpend[rolling.currency] ?? 0,
      spendNeeded: Math.max(0, (nextLevel.minSpend[rolling.currency] ?? 0) - rolling.netSpend),
      minOrders: countsOrders ? nextLevel.minOrders : undefined,
      ordersNeeded: countsOrders ? Math.max(0, nextLevel.minOrders! - rolling.orders) : undefined,
    }),
  });
};
