import fc from 'fast-check';
import type { ClockTicked } from '../clock/clock.events';
import { decide } from '../customer/customer.decide';
import type { CustomerCommand } from '../customer/customer.commands';
import type { CustomerStreamEvent } from '../customer/customer.events';
import { evolve, initialState } from '../customer/customer.state';
import { DomainError } from '../shared/domain-error';
import { CUSTOMER, NOW } from '../testing/customer-fixtures';
import { RULES } from '../testing/loyalty-fixtures';
import { dueCommands } from './due-work';
import {
  decodeReplay, encodeReplay, encodeReplayV1, initialReplay, type LoyaltyReplay, replayDueAt, replayFact, type ReplayScope,
} from './loyalty-replay';
import type { LoyaltyRules } from './loyalty-rules';
import { pointsView } from './points.views';
import { tierView } from './tiers';

const customerId = CUSTOMER;
const dayMs = (d: number) => Date.UTC(2024, 0, 1) + d * 86_400_000 + 36_000_000;
const day = fc.integer({ min: 0, max: 1000 }).map((d) => new Date(dayMs(d)).toISOString());
const BIRTHDAY = { birthday: '03-15', timeZone: 'Europe/Paris' };

/** A step of a history: a command, or the engine's tick at an instant (with or without a ClockTicked in the log). */
type Step = { readonly command: CustomerCommand } | { readonly tick: string; readonly logged: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      orderId: fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6', 'o-7', 'o-8'),
      amount: fc.integer({ min: 0, max: 120_000 }),
      occurredAt: day,
      paymentMethod: fc.constantFrom(undefined, 'store-card'),
      items: fc.constantFrom(undefined, [{ sku: 'B', category: 'books', quantity: 1, amount: 700 }, { sku: 'T', quantity: 2, amount: 300 }]),
    }).map((d): Step => ({ command: { type: 'RecordPurchase', data: { customerId, currency: 'EUR', ...d } } })),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      refundId: fc.constantFrom('r-1', 'r-2', 'r-3', 'r-4'),
      orderId: fc.constantFrom('o-1', 'o-2', 'o-3'),
      amount: fc.integer({ min: 1, max: 60_000 }),
      occurredAt: day,
    }).map((d): Step => ({ command: { type: 'RefundPurchase', data: { customerId, ...d } } })),
    weight: 2,
  },
  {
    arbitrary: fc.record({ redemptionId: fc.constantFrom('rd-1', 'rd-2', 'rd-3', 'rd-4'), points: fc.integer({ min: 1, max: 900 }), occurredAt: day })
      .map((d): Step => ({ command: { type: 'RedeemPoints', data: { customerId, rewardId: 'gift', ...d } } })),
    weight: 2,
  },
  fc.record({ adjustmentId: fc.constantFrom('adj-1', 'adj-2'), points: fc.integer({ min: -300, max: 300 }).filter((p) => p !== 0), occurredAt: day })
    .map((d): Step => ({ command: { type: 'AdjustPoints', data: { customerId, reason: 'goodwill', actor: 'agent', ...d } } })),
  { arbitrary: fc.record({ tick: day, logged: fc.boolean() }), weight: 3 },
);

// A long birthday grace, so that ticks reward birthdays often.
const BASE: LoyaltyRules = { ...RULES, birthday: { ...RULES.birthday!, graceDays: 150 } };
const ruleSets = fc.constantFrom<LoyaltyRules>(
  BASE,
  { ...BASE, bonuses: [{ id: 'card', multiplier: 1.5, paymentMethods: ['store-card'] }, { id: 'books', multiplier: 3, categories: ['books'] }] },
  { ...BASE, expiry: { kind: 'annual-lapse', on: '01-01', percent: 40, minAgeMonths: 3 }, tierPolicy: { ...RULES.tierPolicy, reviewPeriodMonths: 3 } },
  { ...BASE, tierPolicy: { qualifyBy: 'spend-or-orders', windowMonths: 6, reviewPeriodMonths: 2 } },
);

/**
 * What the engine records: every command decided on the stream (refusals record nothing), and a
 * tick runs what is due then, as the clock tick handler does (`dueCommands`, birthday included).
 */
const record = (steps: readonly Step[], rules: LoyaltyRules) => {
  let state = initialState();
  const log: (CustomerStreamEvent | ClockTicked)[] = [
    ...decide({ type: 'RegisterCustomer', data: { customerId, registeredAt: '2023-12-01T09:00:00Z', channel: 'web' } }, state, { now: NOW, rules }),
  ];
  state = (log as CustomerStreamEvent[]).reduce(evolve, state);
  const apply = (command: CustomerCommand, now: string) => {
    try {
      const decided = decide(command, state, { now, rules });
      log.push(...decided);
      state = decided.reduce(evolve, state);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  };
  for (const s of steps) {
    if ('command' in s) {
      apply(s.command, NOW);
      continue;
    }
    if (s.logged) log.push({ type: 'ClockTicked', data: { at: s.tick } });
    for (const c of dueCommands(state, s.tick, rules, BIRTHDAY)) if (c.type !== 'SettleReferral') apply(c, s.tick);
  }
  return { state, log };
};

const replayAll = (log: readonly (CustomerStreamEvent | ClockTicked)[], rules: LoyaltyRules, scope: ReplayScope): LoyaltyReplay =>
  log.reduce((r, e) => replayFact(r, e, rules, scope), initialReplay());

const instants = ['2024-03-01T00:00:00.000Z', '2024-09-30T12:00:00.000Z', '2025-01-01T00:00:00.000Z', '2025-07-15T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2027-06-01T00:00:00.000Z'];

describe('loyalty replay', () => {
  describe('with the rules that decided the log', () => {
    it('gives the recorded points and tier at any instant, for any history of purchases, refunds, redemptions, adjustments and ticks', () => {
      fc.assert(fc.property(fc.array(step, { maxLength: 40 }), ruleSets, (steps, rules) => {
        const { state, log } = record(steps, rules);
        const points = replayAll(log, rules, 'points');
        const tier = replayAll(log, rules, 'tier');
        expect(points.shortfall).toEqual({ movements: 0, points: 0 });
        for (const at of instants) {
          expect(pointsView(points.state, at, rules)).toEqual(pointsView(state, at, rules));
          expect(tierView(points.state, at, rules)).toEqual(tierView(state, at, rules));
          expect(tierView(tier.state, at, rules)).toEqual(tierView(state, at, rules));
        }
      }), { numRuns: 150 });
    });

    it('folds on from a stored (encoded, decoded) replay exactly as from the one in memory', () => {
      fc.assert(fc.property(fc.array(step, { maxLength: 30 }), ruleSets, fc.nat(), (steps, rules, cut) => {
        const { log } = record(steps, rules);
        const at = cut % (log.length + 1);
        const stored = JSON.parse(JSON.stringify(encodeReplay(replayAll(log.slice(0, at), rules, 'points')))) as unknown;
        const resumed = log.slice(at).reduce((r, e) => replayFact(r, e, rules, 'points'), decodeReplay(stored));
        expect(encodeReplay(resumed)).toEqual(encodeReplay(replayAll(log, rules, 'points')));
      }), { numRuns: 100 });
    });
  });

  describe('stored', () => {
    const roundTrip = (stored: unknown): LoyaltyReplay => decodeReplay(JSON.parse(JSON.stringify(stored)));

    it('decodes to the very replay it encoded (same maps in the same order), for both scopes and any rules', () => {
      fc.assert(fc.property(fc.array(step, { maxLength: 40 }), ruleSets, fc.constantFrom<ReplayScope>('points', 'tier'), (steps, rules, scope) => {
        const { log } = record(steps, rules);
        const replay = replayAll(log, rules, scope);
        const decoded = roundTrip(encodeReplay(replay));
        expect(decoded).toEqual(replay);
        expect([...decoded.state.orders]).toEqual([...replay.state.orders]);
        expect([...decoded.state.loyalty.ledger.lots]).toEqual([...replay.state.loyalty.ledger.lots]);
        expect(encodeReplay(decoded)).toEqual(encodeReplay(replay));
      }), { numRuns: 150 });
    });

    it('still reads a replay stored in the first form, and folds on from it as from the one in memory', () => {
      fc.assert(fc.property(fc.array(step, { maxLength: 30 }), ruleSets, fc.nat(), (steps, rules, cut) => {
        const { log } = record(steps, rules);
        const at = cut % (log.length + 1);
        const before = replayAll(log.slice(0, at), rules, 'points');
        const old = roundTrip(encodeReplayV1(before));
        expect(old).toEqual(before);
        const resumed = log.slice(at).reduce((r, e) => replayFact(r, e, rules, 'points'), old);
        expect(encodeReplay(resumed)).toEqual(encodeReplay(replayAll(log, rules, 'points')));
      }), { numRuns: 60 });
    });

    it('is a fraction of the first form for a customer of a few orders', () => {
      const { log } = record([1, 2, 3].map((k): Step => ({
        command: { type: 'RecordPurchase', data: { customerId, orderId: `o-${k}`, amount: 40_000 * k, currency: 'EUR', occurredAt: `2024-0${k}-01T10:00:00.000Z` } },
      })), RULES);
      const replay = replayAll(log, RULES, 'points');
      expect(JSON.stringify(encodeReplay(replay)).length * 2).toBeLessThan(JSON.stringify(encodeReplayV1(replay)).length);
    });
  });

  describe('with other rules', () => {
    const purchase = (orderId: string, amount: number, occurredAt: string): CustomerStreamEvent =>
      ({ type: 'PurchaseRecorded', data: { customerId, orderId, amount, currency: 'EUR', occurredAt } });
    const registered: CustomerStreamEvent = {
      type: 'CustomerRegistered', data: { customerId, registeredAt: '2024-01-01T00:00:00.000Z', channel: 'web', implicit: false },
    };
    const redeemed = (points: number, occurredAt: string): CustomerStreamEvent => ({
      type: 'PointsRedeemed',
      data: { customerId, redemptionId: `rd-${points}`, rewardId: 'gift', points, lots: [], occurredAt, rulesVersion: RULES.version },
    });
    const replay = (events: readonly (CustomerStreamEvent | ClockTicked)[], rules: LoyaltyRules): LoyaltyReplay =>
      replayAll(events, rules, 'points');

    it('earns by the other rate and reaches tiers by the other thresholds', () => {
      const doubled: LoyaltyRules = {
        ...RULES, version: 'what-if', currencies: { ...RULES.currencies, EUR: { ...RULES.currencies.EUR!, pointsPerUnit: 2 } },
        tiers: RULES.tiers.map((t) => (t.name === 'silver' ? { ...t, minSpend: { EUR: 100_000, JPY: 100_000 } } : t)),
      };
      const events = [registered, purchase('o-1', 60_000, '2024-02-01T10:00:00.000Z'), purchase('o-2', 50_000, '2024-03-01T10:00:00.000Z')];
      const live = replay(events, RULES).state;
      const whatIf = replay(events, doubled).state;
      const at = '2024-04-01T00:00:00.000Z';
      // Live: silver after o-1 (600 EUR >= 500), so o-2 earns 500 x 1.25. What-if: silver only after o-2 (1,100 >= 1,000).
      expect(pointsView(live, at, RULES).balance).toBe(600 + 625);
      expect(pointsView(whatIf, at, doubled).balance).toBe(1200 + 1000);
      expect(tierView(live, at, RULES)).toMatchObject({ tier: 'silver', since: '2024-02-01T10:00:00.000Z' });
      expect(tierView(whatIf, at, doubled)).toMatchObject({ tier: 'silver', since: '2024-03-01T10:00:00.000Z' });
    });

    it('gives a recorded redemption what the balance holds and counts the points it lacked', () => {
      const halved: LoyaltyRules = { ...RULES, currencies: { ...RULES.currencies, EUR: { ...RULES.currencies.EUR!, pointsPerUnit: 0.5 } } };
      const events = [registered, purchase('o-1', 10_000, '2024-02-01T10:00:00.000Z'), redeemed(80, '2024-02-10T00:00:00.000Z'), redeemed(20, '2024-02-11T00:00:00.000Z')];
      const live = replay(events, RULES);
      expect(pointsView(live.state, '2024-03-01T00:00:00.000Z', RULES).balance).toBe(0);
      expect(live.shortfall).toEqual({ movements: 0, points: 0 });
      const whatIf = replay(events, halved);
      // 50 points earned: the 80-point redemption takes all 50 (30 short), the next finds nothing (20 short).
      expect(pointsView(whatIf.state, '2024-03-01T00:00:00.000Z', halved).balance).toBe(0);
      expect(whatIf.shortfall).toEqual({ movements: 2, points: 50 });
      expect(whatIf.state.loyalty.ledger.totals.redeemed).toBe(50);
    });

    it('reviews the tier at a ClockTicked once the review is due, not before', () => {
      const tick = (at: string): ClockTicked => ({ type: 'ClockTicked', data: { at } });
      const events = [registered, purchase('o-1', 60_000, '2024-02-01T10:00:00.000Z'), tick('2025-01-01T00:00:00.000Z'), tick('2025-02-02T00:00:00.000Z')];
      const replayed = replay(events, RULES);
      expect(tierView(replayed.state, '2025-01-15T00:00:00.000Z', RULES).tier).toBe('silver');
      expect(tierView(replayed.state, '2025-02-02T00:00:00.000Z', RULES)).toMatchObject({ tier: 'standard', since: '2025-02-02T00:00:00.000Z' });
      expect(replayDueAt(replayed, RULES, 'tier')).toBeUndefined();
    });

    it('keeps a settled referral settled, so that ticks stop finding it due', () => {
      const referee: CustomerStreamEvent = { ...registered, data: { ...registered.data, referrerId: 'c-bob' } } as CustomerStreamEvent;
      const bought = replay([referee, purchase('o-1', 10_000, '2024-02-01T10:00:00.000Z')], RULES);
      // The referral settles 30 days after the first purchase; the lot's expiry warning comes later.
      expect(replayDueAt(bought, RULES, 'points')).toBe('2024-03-02T10:00:00.000Z');
      const rewarded: CustomerStreamEvent = {
        type: 'ReferralRewarded',
        data: { customerId, role: 'referee', refereeId: customerId, referrerId: 'c-bob', couponId: `referral:${customerId}`, settledAt: '2024-03-02T10:00:00.000Z', rulesVersion: RULES.version },
      };
      expect(replayDueAt(replayFact(bought, rewarded, RULES, 'points'), RULES, 'points')).toBe('2025-01-02T10:00:00.000Z');
    });

    it('keeps no personal data of the registration', () => {
      const sealed: CustomerStreamEvent = { ...registered, data: { ...registered.data, personal: { sealed: 's3cret', fingerprint: 'fp', keyId: 'k' } } } as CustomerStreamEvent;
      expect(JSON.stringify(encodeReplay(replay([sealed], RULES)))).not.toContain('s3cret');
    });
  });
});
