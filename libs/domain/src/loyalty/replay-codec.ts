import { canonicalInstant, canonicalMillis } from '../shared/instant';
import { PersistentMap } from '../shared/persistent-map';
import { type CustomerState, initialState } from '../customer/customer.state';
import type { LotExpiry } from './lot-expiry';
import type { LoyaltyState } from './loyalty.state';
import type { Lot, LotConsumption, OrderPoints, PointsLedger } from './points-ledger';
import type { TierState } from './tiers';

/**
 * The stored form of a loyalty replay: what the next batch continues from and what the queries
 * read, without the repetition of the in-memory state. A read model writes one per customer per
 * batch, so its size is most of a rebuild's write cost. Per order, lot and refund a short tuple or
 * object instead of named records; ids written once (a lot earned by order X is `order:X`); values
 * equal to the usual one left out; canonical instants as epoch milliseconds (any other spelling is
 * kept as written). `decodeCompact(encodeCompact(s))` is the same state, maps in the same order.
 */
export const COMPACT_VERSION = 2;

export interface CompactReplay {
  readonly v: typeof COMPACT_VERSION;
  readonly state: Record<string, unknown>;
  /** [movements, points]; absent when both are 0. */
  readonly short?: readonly [number, number];
}

type Instant = number | string;

export const encodeCompact = (state: CustomerState, shortfall: { readonly movements: number; readonly points: number }): CompactReplay => ({
  v: COMPACT_VERSION,
  state: encodeState(state),
  ...(shortfall.movements !== 0 || shortfall.points !== 0 ? { short: [shortfall.movements, shortfall.points] as const } : {}),
});

export const decodeCompact = (stored: CompactReplay): { state: CustomerState; shortfall: { movements: number; points: number } } => ({
  state: decodeState(stored.state),
  shortfall: stored.short ? { movements: stored.short[0], points: stored.short[1] } : { movements: 0, points: 0 },
});

export const isCompact = (stored: unknown): stored is CompactReplay =>
  typeof stored === 'object' && stored !== null && (stored as { v?: unknown }).v === COMPACT_VERSION;

// --- instants: epoch milliseconds when the text is the canonical spelling of one

const instant = (text: string): Instant => canonicalMillis(text) ?? text;
const text = (value: Instant): string => (typeof value === 'number' ? canonicalInstant(value) : value);

// --- the customer

// Field by field rather than by a list of names: the fold and the queries then see states of one shape.
const encodeState = (s: CustomerState): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  if (s.customerId !== undefined) out.customerId = s.customerId;
  out.registration = s.registration;
  if (s.registeredAt !== undefined) out.registeredAt = instant(s.registeredAt);
  if (s.channel !== undefined) out.channel = s.channel;
  if (s.referrerId !== undefined) out.referrerId = s.referrerId;
  if (s.personal !== undefined) out.personal = s.personal;
  if (s.registrationDigest !== undefined) out.registrationDigest = s.registrationDigest;
  if (s.currency !== undefined) out.currency = s.currency;
  out.grossSpend = s.grossSpend;
  out.refundedAmount = s.refundedAmount;
  out.fullyRefundedOrders = s.fullyRefundedOrders;
  if (s.firstPurchaseAt !== undefined) out.firstPurchaseAt = instant(s.firstPurchaseAt);
  if (s.lastPurchaseAt !== undefined) out.lastPurchaseAt = instant(s.lastPurchaseAt);
  if (s.lastInteractionAt !== undefined) out.lastInteractionAt = instant(s.lastInteractionAt);
  if (s.erasedAt !== undefined) out.erasedAt = instant(s.erasedAt);
  if (Object.values(s.interactionCounts).some((n) => n !== 0)) out.interactionCounts = s.interactionCounts;
  if (s.orders.size > 0) {
    out.orders = [...s.orders].map(([, o]) => {
      const row: unknown[] = [o.orderId, o.amount, instant(o.occurredAt), o.refundedAmount, o.digest];
      if (o.currency !== s.currency) row.push(o.currency);
      return row;
    });
  }
  if (s.refunds.size > 0) {
    out.refunds = [...s.refunds].map(([, r]) => {
      const row: unknown[] = [r.refundId, r.orderId, r.amount, instant(r.occurredAt)];
      if (r.currency !== s.currency) row.push(r.currency);
      return row;
    });
  }
  if (s.interactions.size > 0) out.interactions = entries(s.interactions);
  const loyalty = encodeLoyalty(s.loyalty);
  if (Object.keys(loyalty).length > 0) out.loyalty = loyalty;
  return out;
};

const decodeState = (o: Record<string, unknown>): CustomerState => {
  const base = initialState();
  const currency = o.currency as string | undefined;
  let orders = base.orders;
  for (const [orderId, amount, at, refundedAmount, digest, own] of (o.orders ?? []) as [string, number, Instant, number, string, string?][]) {
    orders = orders.set(orderId, { orderId, amount, currency: own ?? currency!, occurredAt: text(at), refundedAmount, digest });
  }
  let refunds = base.refunds;
  for (const [refundId, orderId, amount, at, own] of (o.refunds ?? []) as [string, string, number, Instant, string?][]) {
    refunds = refunds.set(refundId, { refundId, orderId, amount, currency: own ?? currency!, occurredAt: text(at) });
  }
  const s: { -readonly [K in keyof CustomerState]: CustomerState[K] } = {
    registration: o.registration as CustomerState['registration'],
    orders,
    refunds,
    interactions: o.interactions ? fromEntries(o.interactions) : base.interactions,
    grossSpend: o.grossSpend as number,
    refundedAmount: o.refundedAmount as number,
    fullyRefundedOrders: o.fullyRefundedOrders as number,
    interactionCounts: (o.interactionCounts as CustomerState['interactionCounts'] | undefined) ?? base.interactionCounts,
    loyalty: decodeLoyalty((o.loyalty ?? {}) as Record<string, unknown>, base.loyalty),
  };
  if (o.customerId !== undefined) s.customerId = o.customerId as string;
  if (o.registeredAt !== undefined) s.registeredAt = text(o.registeredAt as Instant);
  if (o.channel !== undefined) s.channel = o.channel as string;
  if (o.referrerId !== undefined) s.referrerId = o.referrerId as string;
  if (o.personal !== undefined) s.personal = o.personal as CustomerState['personal'];
  if (o.registrationDigest !== undefined) s.registrationDigest = o.registrationDigest as string;
  if (currency !== undefined) s.currency = currency;
  if (o.firstPurchaseAt !== undefined) s.firstPurchaseAt = text(o.firstPurchaseAt as Instant);
  if (o.lastPurchaseAt !== undefined) s.lastPurchaseAt = text(o.lastPurchaseAt as Instant);
  if (o.lastInteractionAt !== undefined) s.lastInteractionAt = text(o.lastInteractionAt as Instant);
  if (o.erasedAt !== undefined) s.erasedAt = text(o.erasedAt as Instant);
  return s;
};

// --- loyalty: each part left out while it is as it starts

const encodeLoyalty = (l: LoyaltyState): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  const ledger = encodeLedger(l.ledger);
  if (Object.keys(ledger).length > 0) out.ledger = ledger;
  const tier = encodeTier(l.tier);
  if (Object.keys(tier).length > 0) out.tier = tier;
  if (l.coupons.size > 0) out.coupons = entries(l.coupons);
  const { rewardedFor, ...referral } = l.referral;
  if (Object.keys(referral).length > 0) out.referral = referral;
  if (rewardedFor.size > 0) out.rewardedFor = [...rewardedFor].map(([k]) => k);
  if (l.birthdayYears.length > 0) out.birthdayYears = l.birthdayYears;
  return out;
};

const decodeLoyalty = (o: Record<string, unknown>, base: LoyaltyState): LoyaltyState => ({
  ledger: o.ledger ? decodeLedger(o.ledger as Record<string, unknown>, base.ledger) : base.ledger,
  tier: o.tier ? decodeTier(o.tier as Record<string, unknown>) : base.tier,
  coupons: o.coupons ? fromEntries(o.coupons) : base.coupons,
  referral: { ...(o.referral as object | undefined), rewardedFor: keySet((o.rewardedFor ?? []) as string[]) },
  birthdayYears: (o.birthdayYears as number[] | undefined) ?? base.birthdayYears,
});

const encodeTier = (t: TierState): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  if (t.name !== undefined) out.name = t.name;
  if (t.since !== undefined) out.since = instant(t.since);
  if (t.nextReviewAt !== undefined) out.nextReviewAt = instant(t.nextReviewAt);
  if (t.history.length > 0) out.history = t.history.map((h) => [instant(h.at), h.name]);
  if (t.triggers.size > 0) out.triggers = [...t.triggers].map(([k]) => k);
  return out;
};

const decodeTier = (o: Record<string, unknown>): TierState => {
  const tier: Record<string, unknown> = {
    history: ((o.history ?? []) as [Instant, string][]).map(([at, name]) => ({ at: text(at), name })),
    triggers: keySet((o.triggers ?? []) as string[]),
  };
  if (o.name !== undefined) tier.name = o.name;
  if (o.since !== undefined) tier.since = text(o.since as Instant);
  if (o.nextReviewAt !== undefined) tier.nextReviewAt = text(o.nextReviewAt as Instant);
  return tier as unknown as TierState;
};

// --- the ledger

/** A lot as stored: short keys, defaults left out (see `encodeLot`). */
interface StoredLot {
  /** Absent when `order:<o>`. */
  readonly i?: string;
  /** Absent when 'purchase'. */
  readonly s?: Lot['source'];
  readonly q: number;
  readonly e: Instant;
  readonly p: number;
  /** Absent when equal to p. */
  readonly h?: number;
  /** Absent when equal to h. */
  readonly r?: number;
  readonly x?: number;
  /** An instant: expiry 'at'; an object: any other policy. */
  readonly ex: Instant | LotExpiry;
  readonly l?: Instant;
  readonly w?: readonly Instant[];
  /** [at, points, 1 when by expiry]. */
  readonly k?: readonly (readonly [Instant, number, number])[];
  readonly o?: string;
  /** Absent when the ledger's usual rules version (`rv`). */
  readonly v?: string;
}

const encodeLedger = (g: PointsLedger): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  const lots = [...g.lots].map(([, lot]) => lot);
  const rulesVersion = lots[0]?.rulesVersion;
  if (lots.length > 0) {
    out.rv = rulesVersion;
    out.lots = lots.map((lot) => encodeLot(lot, rulesVersion!));
    const position = new Map(lots.map((lot, i) => [lot.lotId, i]));
    // Open lots by their place in `lots`; an id no lot has (never, but total) stays as it is.
    out.open = g.openLots.map((id) => position.get(id) ?? id);
  } else if (g.openLots.length > 0) {
    out.open = g.openLots;
  }
  if (g.balance !== 0) out.balance = g.balance;
  if (g.debt !== 0) out.debt = g.debt;
  if (g.debtChanges.length > 0) out.debtChanges = g.debtChanges.map((c) => [instant(c.at), c.delta]);
  const t = g.totals;
  if (t.earned !== 0 || t.redeemed !== 0 || t.expired !== 0 || t.clawedBack !== 0 || t.adjusted !== 0) {
    out.totals = [t.earned, t.redeemed, t.expired, t.clawedBack, t.adjusted];
  }
  if (g.orderPoints.size > 0) {
    out.orderPoints = [...g.orderPoints].map(([, op]) => {
      const row: unknown[] = [op.orderId, op.points, op.clawedBack];
      if (op.lotId !== `order:${op.orderId}`) row.push(op.lotId);
      return row;
    });
  }
  if (g.redemptions.size > 0) out.redemptions = entries(g.redemptions);
  if (g.adjustments.size > 0) out.adjustments = entries(g.adjustments);
  if (g.movements.size > 0) out.movements = entries(g.movements);
  if (g.seq !== 0) out.seq = g.seq;
  return out;
};

const encodeLot = (lot: Lot, rulesVersion: string): StoredLot => {
  const out: Record<string, unknown> = {};
  if (lot.orderId === undefined || lot.lotId !== `order:${lot.orderId}`) out.i = lot.lotId;
  if (lot.source !== 'purchase') out.s = lot.source;
  out.q = lot.seq;
  out.e = instant(lot.earnedAt);
  out.p = lot.points;
  if (lot.held !== lot.points) out.h = lot.held;
  if (lot.remaining !== lot.held) out.r = lot.remaining;
  if (lot.expired !== 0) out.x = lot.expired;
  out.ex = lot.expiry.kind === 'at' && Object.keys(lot.expiry).length === 2 ? instant(lot.expiry.expiresAt) : lot.expiry;
  if (lot.lapsedThrough !== undefined) out.l = instant(lot.lapsedThrough);
  if (lot.warned.length > 0) out.w = lot.warned.map(instant);
  if (lot.consumptions.length > 0) out.k = lot.consumptions.map((c) => [instant(c.at), c.points, c.byExpiry ? 1 : 0]);
  if (lot.orderId !== undefined) out.o = lot.orderId;
  if (lot.rulesVersion !== rulesVersion) out.v = lot.rulesVersion;
  return out as unknown as StoredLot;
};

const decodeLot = (s: StoredLot, rulesVersion: string): Lot => {
  const held = s.h ?? s.p;
  const lot: Record<string, unknown> = {
    lotId: s.i ?? `order:${s.o}`, source: s.s ?? 'purchase', seq: s.q, earnedAt: text(s.e), points: s.p, held, remaining: s.r ?? held,
    expired: s.x ?? 0, expiry: typeof s.ex === 'object' ? s.ex : { kind: 'at', expiresAt: text(s.ex) },
  };
  if (s.l !== undefined) lot.lapsedThrough = text(s.l);
  lot.warned = (s.w ?? []).map(text);
  lot.consumptions = (s.k ?? []).map(([at, points, byExpiry]): LotConsumption => ({ at: text(at), points, byExpiry: byExpiry === 1 }));
  if (s.o !== undefined) lot.orderId = s.o;
  lot.rulesVersion = s.v ?? rulesVersion;
  return lot as unknown as Lot;
};

const decodeLedger = (o: Record<string, unknown>, base: PointsLedger): PointsLedger => {
  const stored = (o.lots ?? []) as StoredLot[];
  const list = stored.map((s) => decodeLot(s, o.rv as string));
  let lots = PersistentMap.empty<Lot>();
  for (const lot of list) lots = lots.set(lot.lotId, lot);
  let orderPoints = PersistentMap.empty<OrderPoints>();
  for (const [orderId, points, clawedBack, lotId] of (o.orderPoints ?? []) as [string, number, number, string?][]) {
    orderPoints = orderPoints.set(orderId, { orderId, lotId: lotId ?? `order:${orderId}`, points, clawedBack });
  }
  const totals = o.totals as [number, number, number, number, number] | undefined;
  return {
    lots,
    openLots: ((o.open ?? []) as (number | string)[]).map((p) => (typeof p === 'number' ? list[p]!.lotId : p)),
    balance: (o.balance as number | undefined) ?? 0,
    debt: (o.debt as number | undefined) ?? 0,
    debtChanges: ((o.debtChanges ?? []) as [Instant, number][]).map(([at, delta]) => ({ at: text(at), delta })),
    totals: totals ? { earned: totals[0], redeemed: totals[1], expired: totals[2], clawedBack: totals[3], adjusted: totals[4] } : base.totals,
    orderPoints,
    redemptions: o.redemptions ? fromEntries(o.redemptions) : base.redemptions,
    adjustments: o.adjustments ? fromEntries(o.adjustments) : base.adjustments,
    movements: o.movements ? fromEntries(o.movements) : base.movements,
    seq: (o.seq as number | undefined) ?? 0,
  };
};

// --- the rare maps (coupons, redemptions, adjustments...): their entries as they are, in order

const entries = <V>(map: PersistentMap<V>): [string, V][] => [...map].map(([k, v]) => [k, v]);

const fromEntries = <V>(stored: unknown): PersistentMap<V> => {
  let map = PersistentMap.empty<V>();
  for (const [k, v] of stored as [string, V][]) map = map.set(k, v);
  return map;
};

const keySet = (keys: readonly string[]): PersistentMap<true> => {
  let map = PersistentMap.empty<true>();
  for (const k of keys) map = map.set(k, true);
  return map;
};
