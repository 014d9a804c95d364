import { conflict, rejected } from '../shared/domain-error';
import { ErrorCode } from '../shared/error-codes';
import { canonicalInstant, parseInstant } from '../shared/instant';
import type { PurchaseRecorded } from '../customer/customer.events';
import { localDateOf, isoWeekday, addDays } from './calendar';
import { lotExpiryFor, nextExpiryStep } from './lot-expiry';
import {
  ADJUSTMENT_REASONS, type AdjustmentReason, type AppliedBonus, type EarningBasis, type PointsAdjusted,
  type PointsClawedBack, type PointsEarned, type PointsExpired, type PointsExpiryWarned, type PointsRedeemed,
} from './loyalty.events';
import { type BonusRule, hundredths, type LoyaltyRules, tierLevelOf } from './loyalty-rules';
import { definedOnly, evolveLedger, type PointsLedger, takeOldestFirst } from './points-ledger';

/**
 * Points decisions on the ledger. Every decision that takes points out of lots first expires
 * what is due at its own instant, so no event ever spends an expired lot.
 */

export interface PurchasePoints {
  readonly points: number;
  readonly rules: readonly string[];
  readonly basis: EarningBasis;
}

/**
 * points = floor(paid / minorUnitsPerUnit x pointsPerUnit x tier multiplier x order bonuses x item
 * bonuses), floored once per order. Item (category) bonuses multiply the share of the paid amount
 * that falls to the items of those categories, the paid amount being shared in proportion to the
 * items' amounts (so discounts and shipping spread evenly). Computed exactly in integers: rates and
 * multipliers have at most 2 decimals. Undefined when the currency earns nothing.
 */
export const purchasePoints = (p: PurchaseRecorded['data'], tierName: string | undefined, rules: LoyaltyRules): PurchasePoints | undefined => {
  const currency = rules.currencies[p.currency];
  if (!currency) return undefined;
  const { level } = tierLevelOf(rules, tierName);
  const atMs = parseInstant(p.occurredAt)!;
  const holding = rules.bonuses.filter((b) => holdsForOrder(b, p, atMs, rules.timeZone));
  const orderWide = holding.filter((b) => !b.categories?.length);
  const byCategory = holding.filter((b) => b.categories?.length);
  const itemBonuses = new Set<BonusRule>();
  // Item bonuses need the items' shares in BigInt; without any (most orders) none of it is computed.
  const items = byCategory.length === 0 ? [] : (p.items ?? []).filter((i) => i.amount > 0);
  const weight = items.reduce((sum, i) => sum + BigInt(i.amount), 0n);
  const scale = byCategory.length === 0 ? 1n : 100n ** BigInt(byCategory.length);
  let itemFactor = scale;
  let itemWeight = 1n;
  if (weight > 0n && byCategory.length > 0) {
    itemWeight = weight;
    itemFactor = items.reduce((sum, item) => sum + BigInt(item.amount) * byCategory.reduce((product, b) => {
      const matches = item.category !== undefined && b.categories!.includes(item.category);
      if (matches) itemBonuses.add(b);
      return product * (matches ? hundredths(b.multiplier) : 100n);
    }, 1n), 0n);
  }
  const bonuses: AppliedBonus[] = [
    ...orderWide.map((b): AppliedBonus => ({ ruleId: b.id, multiplier: b.multiplier, scope: 'order' })),
    ...[...itemBonuses].map((b): AppliedBonus => ({ ruleId: b.id, multiplier: b.multiplier, scope: 'items' })),
  ];
  return {
    points: byCategory.length === 0
      ? orderPoints(p.amount, currency.pointsPerUnit, level.pointsMultiplier, orderWide, currency.minorUnitsPerUnit)
      : Number((BigInt(p.amount) * hundredths(currency.pointsPerUnit) * hundredths(level.pointsMultiplier)
        * orderWide.reduce((product, b) => product * hundredths(b.multiplier), 1n) * itemFactor)
        / (BigInt(currency.minorUnitsPerUnit) * 100n * 100n * 100n ** BigInt(orderWide.length) * scale * itemWeight)),
    rules: ['base', `tier:${level.name}`, ...bonuses.map((b) => `bonus:${b.ruleId}`)],
    basis: {
      paidAmount: p.amount, currency: p.currency, pointsPerUnit: currency.pointsPerUnit, minorUnitsPerUnit: currency.minorUnitsPerUnit,
      tier: level.name, tierMultiplier: level.pointsMultiplier, bonuses,
    },
  };
};

/**
 * floor(amount x rate x multiplier x bonuses / minor units), all in hundredths, without item bonuses:
 * the common case, in plain numbers while the product stays exact (below 2^53), else in BigInt.
 */
const orderPoints = (amount: number, pointsPerUnit: number, multiplier: number, bonuses: readonly BonusRule[], minorUnitsPerUnit: number): number => {
  let numerator = amount * Math.round(pointsPerUnit * 100) * Math.round(multiplier * 100);
  let denominator = minorUnitsPerUnit * 100 * 100;
  for (const b of bonuses) {
    numerator *= Math.round(b.multiplier * 100);
    denominator *= 100;
  }
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator)) {
    const big = bonuses.reduce((product, b) => product * hundredths(b.multiplier), BigInt(amount) * hundredths(pointsPerUnit) * hundredths(multiplier));
    return Number(big / (BigInt(minorUnitsPerUnit) * 100n * 100n * 100n ** BigInt(bonuses.length)));
  }
  // The float quotient can round up across an integer; the products are exact, so correct it.
  let q = Math.floor(numerator / denominator);
  while (q * denominator > numerator) q--;
  while ((q + 1) * denominator <= numerator) q++;
  return q;
};

// A bonus's from/to, parsed once per rules object rather than for every purchase (a cache of a pure function).
const bounds = new WeakMap<BonusRule, { readonly from?: number; readonly to?: number }>();
const boundsOf = (b: BonusRule): { readonly from?: number; readonly to?: number } => {
  let known = bounds.get(b);
  if (!known) bounds.set(b, (known = { from: parseInstant(b.from), to: parseInstant(b.to) }));
  return known;
};

const holdsForOrder = (b: BonusRule, p: PurchaseRecorded['data'], atMs: number, timeZone: string): boolean => {
  if (b.paymentMethods && (p.paymentMethod === undefined || !b.paymentMethods.includes(p.paymentMethod))) return false;
  if (b.from !== undefined && atMs < boundsOf(b).from!) return false;
  if (b.to !== undefined && atMs >= boundsOf(b).to!) return false;
  if (b.daysOfMonth?.length || b.daysOfWeek?.length) {
    const local = localDateOf(atMs, timeZone);
    if (b.daysOfMonth?.length && !b.daysOfMonth.includes(local.day)) return false;
    if (b.daysOfWeek?.length && !b.daysOfWeek.includes(isoWeekday(local))) return false;
  }
  return true;
};

export interface Earning {
  readonly customerId: string;
  readonly lotId: string;
  readonly source: PointsEarned['data']['source'];
  readonly points: number;
  readonly earnedAt: string;
  readonly rules: readonly string[];
  readonly basis?: EarningBasis;
  readonly orderId?: string;
  readonly refereeId?: string;
  readonly birthdayYear?: number;
}

/** A new lot, expiring by the rules in force; a negative balance is paid off first. */
export const pointsEarned = (ledger: PointsLedger, e: Earning, rules: LoyaltyRules): PointsEarned => ({
  type: 'PointsEarned',
  data: definedOnly({
    customerId: e.customerId, lotId: e.lotId, source: e.source, orderId: e.orderId, refereeId: e.refereeId, birthdayYear: e.birthdayYear,
    points: e.points, debtRepaid: Math.min(ledger.debt, e.points), earnedAt: e.earnedAt,
    expiry: lotExpiryFor(rules, parseInstant(e.earnedAt)!), rules: e.rules, basis: e.basis, rulesVersion: rules.version,
  }),
});

/** Expires, lot by lot, every point due at `asOfMs` (several annual lapses if ticks were missed). */
export const expireDue = (
  ledger: PointsLedger, asOfMs: number, customerId: string, rulesVersion: string,
): { readonly events: PointsExpired[]; readonly ledger: PointsLedger } => {
  const events: PointsExpired[] = [];
  let after = ledger;
  for (const lotId of ledger.openLots) {
    for (;;) {
      const lot = after.lots.get(lotId)!;
      const step = nextExpiryStep(lot.expiry, parseInstant(lot.earnedAt)!, lot.remaining, parseInstant(lot.lapsedThrough));
      if (!step || step.at > asOfMs) break;
      const event: PointsExpired = {
        type: 'PointsExpired',
        data: { customerId, lotId, points: step.points, expiredAt: canonicalInstant(step.at), policy: lot.expiry.kind, rulesVersion },
      };
      events.push(event);
      after = evolveLedger(after, event);
    }
  }
  return { events, ledger: after };
};

/** One warning per lot and expiry instant, for expiries in (asOf, asOf + warning days]. */
export const expiryWarnings = (ledger: PointsLedger, asOfMs: number, rules: LoyaltyRules, customerId: string): PointsExpiryWarned[] => {
  const horizon = addDays(asOfMs, rules.expiryWarningDays);
  return ledger.openLots.flatMap((lotId): PointsExpiryWarned[] => {
    const lot = ledger.lots.get(lotId)!;
    const step = nextExpiryStep(lot.expiry, parseInstant(lot.earnedAt)!, lot.remaining, parseInstant(lot.lapsedThrough));
    if (!step || step.at <= asOfMs || step.at > horizon) return [];
    const expiresAt = canonicalInstant(step.at);
    if (lot.warned.includes(expiresAt)) return [];
    return [{
      type: 'PointsExpiryWarned',
      data: { customerId, lotId, points: step.points, expiresAt, warnedAt: canonicalInstant(asOfMs), rulesVersion: rules.version },
    }];
  });
};

export interface Redemption {
  readonly customerId: string;
  readonly redemptionId: string;
  readonly rewardId: string;
  readonly points: number;
  readonly occurredAt: string;
}

/** Undefined when the redemption is new; [] when it is a repeat; 409 when the id was used otherwise. */
export const knownRedemption = (ledger: PointsLedger, r: Redemption): [] | undefined => {
  const known = ledger.redemptions.get(r.redemptionId);
  if (!known) return undefined;
  if (known.points === r.points && known.rewardId === r.rewardId) return [];
  throw conflict(ErrorCode.REDEMPTION_CONFLICT, `redemption ${r.redemptionId} was already made with different facts`, { field: 'redemptionId' });
};

/** Oldest lots first, after expiring what is due at the redemption's instant; 422 when the balance is short. */
export const redeem = (ledger: PointsLedger, r: Redemption, rules: LoyaltyRules): (PointsExpired | PointsRedeemed)[] => {
  const { events, ledger: after } = expireDue(ledger, parseInstant(r.occurredAt)!, r.customerId, rules.version);
  if (after.balance < r.points) {
    throw rejected(ErrorCode.INSUFFICIENT_POINTS, `the balance is ${after.balance} points at ${r.occurredAt}; ${r.points} were asked for`, {
      field: 'points', balance: after.balance, requested: r.points,
    });
  }
  return [...events, {
    type: 'PointsRedeemed',
    data: {
      customerId: r.customerId, redemptionId: r.redemptionId, rewardId: r.rewardId, points: r.points,
      lots: takeOldestFirst(after, r.points), occurredAt: r.occurredAt, rulesVersion: rules.version,
    },
  }];
};

export interface Adjustment {
  readonly customerId: string;
  readonly adjustmentId: string;
  readonly points: number;
  readonly reason: AdjustmentReason;
  readonly actor: string;
  readonly note?: string;
  readonly occurredAt: string;
}

export const requireAdjustmentReason = (value: unknown): AdjustmentReason => {
  if (!(ADJUSTMENT_REASONS as readonly unknown[]).includes(value)) {
    throw rejected(ErrorCode.UNKNOWN_ADJUSTMENT_REASON, `reason must be one of ${ADJUSTMENT_REASONS.join(', ')}`, { field: 'reason' });
  }
  return value as AdjustmentReason;
};

/** Undefined when the adjustment is new; [] when it is a repeat; 409 when the id was used otherwise. */
export const knownAdjustment = (ledger: PointsLedger, a: Adjustment): [] | undefined => {
  const known = ledger.adjustments.get(a.adjustmentId);
  if (!known) return undefined;
  if (known.points === a.points && known.reason === a.reason && known.note === a.note) return [];
  throw conflict(ErrorCode.ADJUSTMENT_CONFLICT, `adjustment ${a.adjustmentId} was already made with different facts`, { field: 'adjustmentId' });
};

export const adjust = (ledger: PointsLedger, a: Adjustment, rules: LoyaltyRules): (PointsExpired | PointsAdjusted)[] => {
  const atMs = parseInstant(a.occurredAt)!;
  const base = { customerId: a.customerId, adjustmentId: a.adjustmentId, points: a.points, reason: a.reason, actor: a.actor, note: a.note };
  if (a.points > 0) {
    const lotId = `adjustment:${a.adjustmentId}`;
    return [{
      type: 'PointsAdjusted',
      data: definedOnly({
        ...base, lotId, expiry: lotExpiryFor(rules, atMs), debtRepaid: Math.min(ledger.debt, a.points), lots: [],
        occurredAt: a.occurredAt, rulesVersion: rules.version,
      }),
    }];
  }
  const { events, ledger: after } = expireDue(ledger, atMs, a.customerId, rules.version);
  if (after.balance < -a.points) {
    throw rejected(ErrorCode.ADJUSTMENT_EXCEEDS_BALANCE, `the balance is ${after.balance} points; ${-a.points} cannot be taken`, {
      field: 'points', balance: after.balance,
    });
  }
  return [...events, {
    type: 'PointsAdjusted',
    data: definedOnly({ ...base, debtRepaid: 0, lots: takeOldestFirst(after, -a.points), occurredAt: a.occurredAt, rulesVersion: rules.version }),
  }];
};

export interface Refund {
  readonly customerId: string;
  readonly refundId: string;
  readonly orderId: string;
  /** The order's amount and what is refunded of it with this refund included. */
  readonly paidAmount: number;
  readonly refundedAmount: number;
  readonly occurredAt: string;
}

/**
 * The clawback rule: the order's points follow the refunded share of the order, cumulatively and
 * floored (after a full refund, all of them). They come out of the order's own lot first, then the
 * oldest other lots; what no lot covers becomes a negative balance that the next earnings pay off.
 * Points of the order that already expired are not clawed back: the customer never had their use.
 */
export const clawBack = (ledger: PointsLedger, r: Refund, rules: LoyaltyRules): (PointsExpired | PointsClawedBack)[] => {
  const order = ledger.orderPoints.get(r.orderId);
  if (!order || r.paidAmount === 0) return [];
  const { events, ledger: after } = expireDue(ledger, parseInstant(r.occurredAt)!, r.customerId, rules.version);
  const target = Number((BigInt(order.points) * BigInt(r.refundedAmount)) / BigInt(r.paidAmount));
  const lot = after.lots.get(order.lotId);
  const clawable = order.points - (lot?.expired ?? 0) - order.clawedBack;
  const points = Math.min(target - order.clawedBack, clawable);
  if (points <= 0) return events;
  const lots = takeOldestFirst(after, Math.min(points, Math.max(after.balance, 0)), order.lotId);
  const covered = lots.reduce((sum, s) => sum + s.points, 0);
  return [...events, {
    type: 'PointsClawedBack',
    data: {
      customerId: r.customerId, refundId: r.refundId, orderId: r.orderId, points, lots, toDebt: points - covered,
      refundedAmount: r.refundedAmount, paidAmount: r.paidAmount, occurredAt: r.occurredAt, rulesVersion: rules.version,
    },
  }];
};

export const requirePoints = (value: unknown, field: string, signed: boolean): number => {
  const ok = typeof value === 'number' && Number.isSafeInteger(value) && (signed ? value !== 0 : value > 0);
  if (!ok) {
    throw rejected(ErrorCode.INVALID_POINTS, `${field} must be a ${signed ? 'non-zero' : 'positive'} integer`, { field });
  }
  return value as number;
};
