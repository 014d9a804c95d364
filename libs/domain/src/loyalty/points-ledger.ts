import { PersistentMap } from '../shared/persistent-map';
import type { LotExpiry } from './lot-expiry';
import {
  type LotShare, loyaltyKeyOf, type PointsAdjusted, type PointsClawedBack, type PointsEarned, type PointsExpired,
  type PointsExpiryWarned, type PointsRedeemed, type PointsSource,
} from './loyalty.events';

/**
 * The points ledger folded from the customer stream: lots (one per earning), what each still holds,
 * and every movement for the history. Balance = earned - redeemed - expired - clawed back
 * +/- adjustments, which may go negative only by a clawback (see `debt`).
 */
export interface Lot {
  readonly lotId: string;
  readonly source: PointsSource | 'adjustment';
  /** Tie-break for lots earned at the same instant: the order they were recorded in. */
  readonly seq: number;
  readonly earnedAt: string;
  /** As earned. */
  readonly points: number;
  /** What the lot started with after paying off a negative balance. */
  readonly held: number;
  readonly remaining: number;
  readonly expired: number;
  readonly expiry: LotExpiry;
  /** The last annual lapse applied to the lot. */
  readonly lapsedThrough?: string;
  /** Expiry instants the customer was warned about. */
  readonly warned: readonly string[];
  /** Every point that left the lot and when, so that views can be taken as of any instant. */
  readonly consumptions: readonly LotConsumption[];
  readonly orderId?: string;
  readonly rulesVersion: string;
}

export interface LotConsumption {
  readonly at: string;
  readonly points: number;
  readonly byExpiry: boolean;
}

/** The points an order earned, and how many a refund took back already. */
export interface OrderPoints {
  readonly orderId: string;
  readonly lotId: string;
  readonly points: number;
  readonly clawedBack: number;
}

export type MovementKind = 'earned' | 'redeemed' | 'expired' | 'clawed-back' | 'adjusted';

/** One line of the points history: what moved, why, under which rules, from or to which lots. */
export interface PointsMovement {
  readonly seq: number;
  readonly kind: MovementKind;
  readonly at: string;
  /** Signed: what the balance changed by. */
  readonly points: number;
  readonly rules: readonly string[];
  readonly rulesVersion: string;
  /** The lot created (earned, credited) or the lots taken from. */
  readonly lots: readonly LotShare[];
  readonly source?: PointsSource;
  readonly orderId?: string;
  readonly refundId?: string;
  readonly redemptionId?: string;
  readonly rewardId?: string;
  readonly adjustmentId?: string;
  readonly reason?: string;
  readonly actor?: string;
  readonly debtRepaid?: number;
  readonly toDebt?: number;
}

export interface LedgerTotals {
  readonly earned: number;
  readonly redeemed: number;
  readonly expired: number;
  readonly clawedBack: number;
  /** Signed sum of adjustments. */
  readonly adjusted: number;
}

export interface PointsLedger {
  readonly lots: PersistentMap<Lot>;
  /** Lots still holding points, oldest first (earnedAt, then seq): the order they are spent in. */
  readonly openLots: readonly string[];
  readonly balance: number;
  /** Points clawed back beyond the balance; the next earnings pay it off before forming a lot. */
  readonly debt: number;
  readonly debtChanges: readonly { readonly at: string; readonly delta: number }[];
  readonly totals: LedgerTotals;
  readonly orderPoints: PersistentMap<OrderPoints>;
  readonly redemptions: PersistentMap<{ readonly redemptionId: string; readonly points: number; readonly rewardId: string }>;
  readonly adjustments: PersistentMap<{ readonly adjustmentId: string; readonly points: number; readonly reason: string; readonly note?: string }>;
  /** Keyed by the event's key, which also makes a repeated event in the log harmless. */
  readonly movements: PersistentMap<PointsMovement>;
  readonly seq: number;
}

export type LedgerEvent = PointsEarned | PointsRedeemed | PointsExpired | PointsExpiryWarned | PointsClawedBack | PointsAdjusted;

export const initialLedger = (): PointsLedger => ({
  lots: PersistentMap.empty(),
  openLots: [],
  balance: 0,
  debt: 0,
  debtChanges: [],
  totals: { earned: 0, redeemed: 0, expired: 0, clawedBack: 0, adjusted: 0 },
  orderPoints: PersistentMap.empty(),
  redemptions: PersistentMap.empty(),
  adjustments: PersistentMap.empty(),
  movements: PersistentMap.empty(),
  seq: 0,
});

export const evolveLedger = (ledger: PointsLedger, event: LedgerEvent): PointsLedger => evolveLedgerAs(ledger, event, true);

/**
 * The same fold without adding the movement (the points history): for a replay that derives each
 * event once and keeps no history (libs/domain/src/loyalty/loyalty-replay.ts). The ledger is
 * otherwise the same, including the recognition of a key its movements already hold.
 */
export const evolveLedgerUnrecorded = (ledger: PointsLedger, event: LedgerEvent): PointsLedger => evolveLedgerAs(ledger, event, false);

const evolveLedgerAs = (ledger: PointsLedger, event: LedgerEvent, recorded: boolean): PointsLedger => {
  if (event.type === 'PointsExpiryWarned') return warned(ledger, event.data);
  const key = loyaltyKeyOf(event);
  if (ledger.movements.has(key)) return ledger;
  const seq = ledger.seq + 1;
  if (event.type === 'PointsEarned') {
    // The commonest event of all (one per purchase): built in one copy of the ledger, not one per step.
    const d = event.data;
    const movement = (): PointsMovement => ({ seq, ...definedOnly({
      kind: 'earned' as const, at: d.earnedAt, points: d.points, rules: d.rules, rulesVersion: d.rulesVersion,
      lots: [{ lotId: d.lotId, points: d.points - d.debtRepaid }], source: d.source, orderId: d.orderId,
      debtRepaid: d.debtRepaid || undefined,
    }) });
    return {
      ...ledger,
      ...lotAdded(ledger, {
        lotId: d.lotId, source: d.source, seq, earnedAt: d.earnedAt, points: d.points, debtRepaid: d.debtRepaid,
        expiry: d.expiry, orderId: d.orderId, rulesVersion: d.rulesVersion,
      }),
      orderPoints: d.orderId === undefined
        ? ledger.orderPoints
        : ledger.orderPoints.set(d.orderId, { orderId: d.orderId, lotId: d.lotId, points: d.points, clawedBack: 0 }),
      totals: { ...ledger.totals, earned: ledger.totals.earned + d.points },
      movements: recorded ? ledger.movements.set(key, movement()) : ledger.movements,
      seq,
    };
  }
  const next = { ...ledger, seq };
  const record = (l: PointsLedger, movement: Omit<PointsMovement, 'seq'>): PointsLedger =>
    (recorded ? { ...l, movements: l.movements.set(key, { seq, ...movement }) } : l);
  switch (event.type) {
    case 'PointsRedeemed': {
      const d = event.data;
      const taken = consume(next, d.lots, d.occurredAt, false);
      return record({
        ...taken,
        redemptions: taken.redemptions.set(d.redemptionId, { redemptionId: d.redemptionId, points: d.points, rewardId: d.rewardId }),
        totals: { ...taken.totals, redeemed: taken.totals.redeemed + d.points },
      }, {
        kind: 'redeemed', at: d.occurredAt, points: -d.points, rules: ['redemption'], rulesVersion: d.rulesVersion, lots: d.lots,
        redemptionId: d.redemptionId, rewardId: d.rewardId,
      });
    }
    case 'PointsExpired': {
      const d = event.data;
      const taken = consume(next, [{ lotId: d.lotId, points: d.points }], d.expiredAt, true);
      const lot = taken.lots.get(d.lotId);
      const lots = lot ? taken.lots.set(d.lotId, { ...lot, expired: lot.expired + d.points, lapsedThrough: d.expiredAt }) : taken.lots;
      return record({ ...taken, lots, totals: { ...taken.totals, expired: taken.totals.expired + d.points } }, {
        kind: 'expired', at: d.expiredAt, points: -d.points, rules: [`expiry:${d.policy}`], rulesVersion: d.rulesVersion,
        lots: [{ lotId: d.lotId, points: d.points }], orderId: lot?.orderId,
      });
    }
    case 'PointsClawedBack': {
      const d = event.data;
      const taken = consume(next, d.lots, d.occurredAt, false);
      const order = taken.orderPoints.get(d.orderId);
      return record({
        ...taken,
        debt: taken.debt + d.toDebt,
        balance: taken.balance - d.toDebt,
        debtChanges: d.toDebt > 0 ? [...taken.debtChanges, { at: d.occurredAt, delta: d.toDebt }] : taken.debtChanges,
        orderPoints: order ? taken.orderPoints.set(d.orderId, { ...order, clawedBack: order.clawedBack + d.points }) : taken.orderPoints,
        totals: { ...taken.totals, clawedBack: taken.totals.clawedBack + d.points },
      }, definedOnly({
        kind: 'clawed-back', at: d.occurredAt, points: -d.points, rules: ['clawback:proportional'], rulesVersion: d.rulesVersion,
        lots: d.lots, orderId: d.orderId, refundId: d.refundId, toDebt: d.toDebt || undefined,
      }));
    }
    case 'PointsAdjusted': {
      const d = event.data;
      const moved = d.points > 0 && d.lotId !== undefined && d.expiry !== undefined
        ? addLot(next, {
          lotId: d.lotId, source: 'adjustment', seq, earnedAt: d.occurredAt, points: d.points, debtRepaid: d.debtRepaid,
          expiry: d.expiry, rulesVersion: d.rulesVersion,
        })
        : consume(next, d.lots, d.occurredAt, false);
      return record({
        ...moved,
        adjustments: moved.adjustments.set(d.adjustmentId, definedOnly({ adjustmentId: d.adjustmentId, points: d.points, reason: d.reason, note: d.note })),
        totals: { ...moved.totals, adjusted: moved.totals.adjusted + d.points },
      }, definedOnly({
        kind: 'adjusted', at: d.occurredAt, points: d.points, rules: [`adjustment:${d.reason}`], rulesVersion: d.rulesVersion,
        lots: d.lotId === undefined ? d.lots : [{ lotId: d.lotId, points: d.points - d.debtRepaid }],
        adjustmentId: d.adjustmentId, reason: d.reason, actor: d.actor, debtRepaid: d.debtRepaid || undefined,
      }));
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

/** Lots oldest first, taking `points` in all (the caller has checked the balance covers them). */
export const takeOldestFirst = (ledger: PointsLedger, points: number, first?: string): LotShare[] => {
  const shares: LotShare[] = [];
  let left = points;
  const order = first === undefined ? ledger.openLots : [first, ...ledger.openLots.filter((id) => id !== first)];
  for (const lotId of order) {
    if (left === 0) break;
    const lot = ledger.lots.get(lotId);
    if (!lot || lot.remaining === 0) continue;
    const take = Math.min(left, lot.remaining);
    shares.push({ lotId, points: take });
    left -= take;
  }
  return shares;
};

/** Points the open lots hold (the balance plus any debt). */
export const heldPoints = (ledger: PointsLedger): number => ledger.balance + ledger.debt;

const warned = (ledger: PointsLedger, d: PointsExpiryWarned['data']): PointsLedger => {
  const lot = ledger.lots.get(d.lotId);
  if (!lot || lot.warned.includes(d.expiresAt)) return ledger;
  return { ...ledger, lots: ledger.lots.set(d.lotId, { ...lot, warned: [...lot.warned, d.expiresAt] }) };
};

interface NewLot {
  readonly lotId: string;
  readonly source: Lot['source'];
  readonly seq: number;
  readonly earnedAt: string;
  readonly points: number;
  readonly debtRepaid: number;
  readonly expiry: LotExpiry;
  readonly orderId?: string;
  readonly rulesVersion: string;
}

const addLot = (ledger: PointsLedger, n: NewLot): PointsLedger => {
  const added = lotAdded(ledger, n);
  return added === undefined ? ledger : { ...ledger, ...added };
};

/** What a new lot changes in the ledger; undefined when the lot is there already. */
const lotAdded = (ledger: PointsLedger, n: NewLot): Pick<PointsLedger, 'lots' | 'openLots' | 'balance' | 'debt' | 'debtChanges'> | undefined => {
  if (ledger.lots.has(n.lotId)) return undefined;
  const held = n.points - n.debtRepaid;
  const lot: Lot = definedOnly({
    lotId: n.lotId, source: n.source, seq: n.seq, earnedAt: n.earnedAt, points: n.points, held, remaining: held, expired: 0,
    expiry: n.expiry, warned: [], consumptions: [], orderId: n.orderId, rulesVersion: n.rulesVersion,
  });
  return {
    lots: ledger.lots.set(n.lotId, lot),
    openLots: held > 0 ? insertOldestFirst(ledger, lot) : ledger.openLots,
    balance: ledger.balance + n.points,
    debt: ledger.debt - n.debtRepaid,
    debtChanges: n.debtRepaid > 0 ? [...ledger.debtChanges, { at: n.earnedAt, delta: -n.debtRepaid }] : ledger.debtChanges,
  };
};

const insertOldestFirst = (ledger: PointsLedger, lot: Lot): readonly string[] => {
  const open = ledger.openLots;
  const after = open.findIndex((id) => {
    const other = ledger.lots.get(id)!;
    return other.earnedAt > lot.earnedAt || (other.earnedAt === lot.earnedAt && other.seq > lot.seq);
  });
  return after < 0 ? [...open, lot.lotId] : [...open.slice(0, after), lot.lotId, ...open.slice(after)];
};

const consume = (ledger: PointsLedger, shares: readonly LotShare[], at: string, byExpiry: boolean): PointsLedger => {
  let { lots, openLots, balance } = ledger;
  for (const { lotId, points } of shares) {
    balance -= points;
    const lot = lots.get(lotId);
    if (!lot) continue;
    const remaining = lot.remaining - points;
    lots = lots.set(lotId, { ...lot, remaining, consumptions: [...lot.consumptions, { at, points, byExpiry }] });
    if (remaining <= 0) openLots = openLots.filter((id) => id !== lotId);
  }
  return { ...ledger, lots, openLots, balance };
};

// Events and records are stored as JSON: absent fields stay absent rather than `undefined`.
export const definedOnly = <T extends object>(value: T): T => {
  // A plain loop: this runs for every event a fold derives, and entries/filter/fromEntries allocate three times.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
};
