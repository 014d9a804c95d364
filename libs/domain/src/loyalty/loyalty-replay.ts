import { parseInstant } from '../shared/instant';
import { PersistentMap } from '../shared/persistent-map';
import type { ClockTicked } from '../clock/clock.events';
import type { CustomerStreamEvent } from '../customer/customer.events';
import { type CustomerState, evolve, initialState } from '../customer/customer.state';
import { nextDueAt } from './due-work';
import { decideLoyalty, loyaltyOnPurchase, loyaltyOnRefund } from './loyalty.decide';
import type { BirthdayRewarded, LoyaltyEvent, PointsAdjusted, PointsRedeemed, ReferralDeclined, ReferralRewarded } from './loyalty.events';
import type { LoyaltyRules, Reward } from './loyalty-rules';
import { adjust, expireDue, redeem } from './points.decide';
import { evolveLedgerUnrecorded, type LedgerEvent } from './points-ledger';
import { grantReward } from './rewards';
import { decodeCompact, encodeCompact, isCompact } from './replay-codec';
import { upgradeOnPurchase } from './tiers';

/**
 * Points and tiers derived again from a customer's facts under other rules: what an analyst's
 * rule version would have given, through the same decisions the engine takes (earning, upgrade,
 * clawback, redemption, adjustment, expiry, review). With the rules that decided the log, the
 * state's points and tier equal the recorded ones.
 *
 * What counts as a fact, and what is an outcome to derive again:
 *  - purchases and refunds (with the registration and the erasure) are facts;
 *  - redemptions and adjustments are the customer's (or an agent's) choices: replayed as recorded,
 *    the points taken as the rules leave them (see `shortfall`);
 *  - referral and birthday rewards are facts that a reward was due (they need the referrer's stream
 *    and the sealed birthday); their points come from these rules;
 *  - the clock: a `ClockTicked` reaches every customer, and the log's own tick work on a customer
 *    (a review, an expiry warning, a reward, an expiry) shows the engine's clock reached that
 *    instant for them; each runs the expiry and the tier review due then, as the engine's tick does;
 *  - earned, expired and clawed-back points, tier changes and coupons are outcomes: not replayed.
 */
export interface LoyaltyReplay {
  readonly state: CustomerState;
  /**
   * Recorded redemptions and debits that these rules leave without enough points: each takes what
   * the balance holds (maybe nothing), and what it lacked is counted here instead of making the
   * balance negative. Always zero under the rules that decided the log (the engine refused those).
   */
  readonly shortfall: { readonly movements: number; readonly points: number };
}

/** `points` derives the ledger and the tiers (points depend on the tier); `tier` only the tiers. */
export type ReplayScope = 'points' | 'tier';

export const LOYALTY_REPLAY_EVENT_TYPES = [
  'CustomerRegistered', 'PurchaseRecorded', 'PurchaseRefunded', 'CustomerErased', 'PointsRedeemed', 'PointsAdjusted',
  'ReferralRewarded', 'ReferralDeclined', 'BirthdayRewarded', 'TierChanged', 'TierRetained', 'PointsExpiryWarned', 'PointsExpired',
  'ClockTicked',
] as const;

export const initialReplay = (): LoyaltyReplay => ({ state: initialState(), shortfall: { movements: 0, points: 0 } });

/** One event of the customer's stream (or a tick of the clock stream) applied under `rules`. */
export const replayFact = (
  replay: LoyaltyReplay, event: CustomerStreamEvent | ClockTicked, rules: LoyaltyRules, scope: ReplayScope,
): LoyaltyReplay => {
  const { state } = replay;
  const withPoints = scope === 'points';
  switch (event.type) {
    case 'CustomerRegistered':
      // The sealed personal data stays in the log: a read model keeps none.
      return lean(replay, evolve(state, { ...event, data: { ...event.data, personal: undefined } }));
    case 'CustomerErased':
      return lean(replay, evolve(state, event));
    case 'PurchaseRecorded': {
      const after = evolve(state, event);
      if (after === state) return replay;
      // The coupon a purchase redeemed was valid when it was recorded; it changes no points.
      const decided = withPoints
        ? loyaltyOnPurchase(state, event.data.couponId === undefined ? event.data : { ...event.data, couponId: undefined }, after, rules)
        : [upgradeOnPurchase(after, event.data.orderId, rules)].filter((e) => e !== undefined);
      return lean(replay, decided.reduce(evolveLoyalty, after));
    }
    case 'PurchaseRefunded': {
      const after = evolve(state, event);
      if (after === state || !withPoints || !after.orders.has(event.data.orderId)) return lean(replay, after);
      return lean(replay, loyaltyOnRefund(state, event.data, after, rules).reduce(evolveLoyalty, after));
    }
    case 'PointsRedeemed':
      return withPoints ? takePoints(tick(replay, event.data.occurredAt, rules, 'expiry'), event.data, rules) : replay;
    case 'PointsAdjusted':
      return withPoints ? adjustment(replay, event.data, rules) : replay;
    case 'ReferralRewarded': {
      const d = event.data;
      const at = tick(settled(replay, event), d.settledAt, rules, scope);
      const reward = d.role === 'referee' ? rules.referral?.referee : rules.referral?.referrer;
      return withPoints ? granted(at, reward, { source: 'referral', id: `referral:${d.refereeId}`, at: d.settledAt, refereeId: d.refereeId }, rules) : at;
    }
    case 'BirthdayRewarded': {
      const d = event.data;
      const at = tick(settled(replay, event), d.rewardedAt, rules, scope);
      return withPoints ? granted(at, rules.birthday?.reward, { source: 'birthday', id: `birthday:${d.year}`, at: d.rewardedAt, birthdayYear: d.year }, rules) : at;
    }
    case 'ReferralDeclined':
      return tick(settled(replay, event), event.data.settledAt, rules, scope);
    case 'TierChanged':
      // An upgrade is an outcome of a purchase (derived above); a review shows the tick's instant.
      return event.data.reason === 'review' ? tick(replay, event.data.changedAt, rules, scope) : replay;
    case 'TierRetained':
      return tick(replay, event.data.reviewedAt, rules, scope);
    case 'PointsExpiryWarned':
      return tick(replay, event.data.warnedAt, rules, scope);
    case 'PointsExpired':
      // The lot's expiry instant, not the tick's: the tick came at or after it, so only expiry runs.
      return withPoints ? tick(replay, event.data.expiredAt, rules, 'expiry') : replay;
    case 'ClockTicked':
      return tick(replay, event.data.at, rules, scope);
    default:
      return replay;
  }
};

/**
 * The earliest instant at which a tick would change something for this customer (undefined: none
 * without a new fact). A projection asks it to find the customers a `ClockTicked` reaches.
 */
export const replayDueAt = (replay: LoyaltyReplay, rules: LoyaltyRules, scope: ReplayScope): string | undefined => {
  const { state } = replay;
  if (state.registration === 'none') return undefined;
  if (scope === 'points') return nextDueAt(state, rules);
  return state.erasedAt === undefined ? state.loyalty.tier.nextReviewAt : undefined;
};

/** What the engine's tick runs for one customer at `at`: expiry (and its warnings), then the tier review. */
const tick = (replay: LoyaltyReplay, at: string, rules: LoyaltyRules, what: ReplayScope | 'expiry'): LoyaltyReplay => {
  const { state } = replay;
  if (state.registration === 'none' || state.customerId === undefined) return replay;
  const context = { now: at, rules };
  const customerId = state.customerId;
  let next = state;
  if (what === 'expiry') {
    // What a redemption, a debit or a recorded expiry implies: lots due by then are gone (no warning goes out).
    next = expireDue(next.loyalty.ledger, parseInstant(at)!, customerId, rules.version).events.reduce(evolveLoyalty, next);
    return lean(replay, next);
  }
  if (what === 'points') next = decideLoyalty({ type: 'ExpirePoints', data: { customerId, asOf: at } }, next, context).reduce(evolveLoyalty, next);
  next = decideLoyalty({ type: 'EvaluateTier', data: { customerId, asOf: at } }, next, context).reduce(evolveLoyalty, next);
  return lean(replay, next);
};

const takePoints = (replay: LoyaltyReplay, d: PointsRedeemed['data'], rules: LoyaltyRules): LoyaltyReplay => {
  const { state } = replay;
  const available = Math.max(0, state.loyalty.ledger.balance);
  const points = Math.min(d.points, available);
  const short = withShortfall(replay, d.points - points);
  if (points === 0) return short;
  const events = redeem(state.loyalty.ledger, { customerId: d.customerId, redemptionId: d.redemptionId, rewardId: d.rewardId, points, occurredAt: d.occurredAt }, rules);
  return lean(short, events.reduce(evolveLoyalty, state));
};

const adjustment = (replay: LoyaltyReplay, d: PointsAdjusted['data'], rules: LoyaltyRules): LoyaltyReplay => {
  const base = { customerId: d.customerId, adjustmentId: d.adjustmentId, reason: d.reason, actor: d.actor, note: d.note, occurredAt: d.occurredAt };
  if (d.points > 0) return lean(replay, adjust(replay.state.loyalty.ledger, { ...base, points: d.points }, rules).reduce(evolveLoyalty, replay.state));
  const expired = tick(replay, d.occurredAt, rules, 'expiry');
  const available = Math.max(0, expired.state.loyalty.ledger.balance);
  const points = Math.min(-d.points, available);
  const short = withShortfall(expired, -d.points - points);
  if (points === 0) return short;
  return lean(short, adjust(expired.state.loyalty.ledger, { ...base, points: -points }, rules).reduce(evolveLoyalty, expired.state));
};

interface RewardGrant {
  readonly source: 'referral' | 'birthday';
  readonly id: string;
  readonly at: string;
  readonly refereeId?: string;
  readonly birthdayYear?: number;
}

const granted = (replay: LoyaltyReplay, reward: Reward | undefined, g: RewardGrant, rules: LoyaltyRules): LoyaltyReplay => {
  if (!reward || replay.state.customerId === undefined) return replay;
  const { events } = grantReward(replay.state, { points: reward.points }, { ...g, atMs: parseInstant(g.at)! }, rules);
  return lean(replay, events.reduce(evolveLoyalty, replay.state));
};

/**
 * That a referral was settled, or a birthday rewarded, is itself kept (as the customer's state does),
 * so that the replay does not find them due again at every tick.
 */
const settled = (replay: LoyaltyReplay, event: ReferralRewarded | ReferralDeclined | BirthdayRewarded): LoyaltyReplay =>
  lean(replay, evolve(replay.state, event));

const withShortfall = (replay: LoyaltyReplay, missing: number): LoyaltyReplay =>
  missing <= 0 ? replay : { ...replay, shortfall: { movements: replay.shortfall.movements + 1, points: replay.shortfall.points + missing } };

/**
 * A derived event folded in as the customer's evolve would, except that the ledger keeps no
 * movement for it: the replay derives each movement once and keeps no history (see `lean`).
 */
const evolveLoyalty = (state: CustomerState, event: LoyaltyEvent): CustomerState => {
  if (!isLedgerEvent(event)) return evolve(state, event);
  const ledger = evolveLedgerUnrecorded(state.loyalty.ledger, event);
  if (ledger === state.loyalty.ledger) return state;
  const withId = state.customerId === undefined ? { ...state, customerId: event.data.customerId } : state;
  return { ...withId, loyalty: { ...state.loyalty, ledger } };
};

const isLedgerEvent = (event: LoyaltyEvent): event is LedgerEvent =>
  event.type === 'PointsEarned' || event.type === 'PointsRedeemed' || event.type === 'PointsExpired' || event.type === 'PointsExpiryWarned'
  || event.type === 'PointsClawedBack' || event.type === 'PointsAdjusted';

/**
 * The movements map only serves the points history and recognises a repeated event; the replay
 * derives each movement once, so it is dropped to keep the stored state small.
 */
const lean = (replay: LoyaltyReplay, state: CustomerState): LoyaltyReplay => {
  if (state === replay.state) return replay;
  const { ledger } = state.loyalty;
  const trimmed = ledger.movements.size === 0 ? state : { ...state, loyalty: { ...state.loyalty, ledger: { ...ledger, movements: PersistentMap.empty<never>() } } };
  return { ...replay, state: trimmed };
};

/**
 * The replay as plain JSON (a read model stores it between batches), in the compact form of
 * replay-codec.ts. `decodeReplay(encodeReplay(r))` folds on exactly as `r` would. Replays stored
 * before that form (persistent maps as `{ "$map": [[key, value], ...] }`) are still read.
 */
export const encodeReplay = (replay: LoyaltyReplay): unknown => encodeCompact(replay.state, replay.shortfall);

export const decodeReplay = (stored: unknown): LoyaltyReplay => (isCompact(stored) ? decodeCompact(stored) : fromPlain(stored) as LoyaltyReplay);

/** The first stored form, kept to read rows written before the compact one. */
export const encodeReplayV1 = (replay: LoyaltyReplay): unknown => toPlain(replay);

const toPlain = (value: unknown): unknown => {
  if (value instanceof PersistentMap) return { $map: [...(value as PersistentMap<unknown>)].map(([k, v]) => [k, toPlain(v)]) };
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlain(v);
    return out;
  }
  return value;
};

const fromPlain = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === 'object' && value !== null) {
    const entries = (value as { $map?: unknown }).$map;
    if (Array.isArray(entries) && Object.keys(value).length === 1) {
      return (entries as [string, unknown][]).reduce((map, [k, v]) => map.set(k, fromPlain(v)), PersistentMap.empty<unknown>());
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromPlain(v);
    return out;
  }
  return value;
};
