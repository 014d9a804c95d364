import fc from 'fast-check';
import { DomainError } from '../shared/domain-error';
import type { DecisionContext } from '../shared/message';
import type { CustomerCommand } from '../customer/customer.commands';
import type { CustomerStreamEvent } from '../customer/customer.events';
import { decide } from '../customer/customer.decide';
import { evolve, initialState } from '../customer/customer.state';
import { upstreamKeyOf } from '../customer/upstream-key';
import { CUSTOMER, NOW } from '../testing/customer-fixtures';
import { RULES } from '../testing/loyalty-fixtures';
import type { LoyaltyRules } from './loyalty-rules';
import { pointsView } from './points.views';

// Random histories of purchases, refunds, redemptions, adjustments and clock ticks over three
// years, with small id pools so that repeats, conflicts, over-redemptions and clawbacks of spent
// points all happen; under both expiry policies and with bonuses that make points uneven.
const customerId = CUSTOMER;
const day = fc.integer({ min: 0, max: 1000 }).map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000 + 36_000_000).toISOString());
const END = '2027-01-01T00:00:00.000Z';

const command: fc.Arbitrary<CustomerCommand> = fc.oneof(
  {
    arbitrary: fc.record({
      orderId: fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6'),
      amount: fc.integer({ min: 0, max: 80_000 }),
      occurredAt: day,
      paymentMethod: fc.constantFrom(undefined, 'store-card'),
      items: fc.constantFrom(undefined, [{ sku: 'B', category: 'books', quantity: 1, amount: 700 }, { sku: 'T', quantity: 2, amount: 300 }]),
    }).map((d): CustomerCommand => ({ type: 'RecordPurchase', data: { customerId, currency: 'EUR', ...d } })),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      refundId: fc.constantFrom('r-1', 'r-2', 'r-3', 'r-4'),
      orderId: fc.constantFrom('o-1', 'o-2', 'o-3'),
      amount: fc.integer({ min: 1, max: 40_000 }),
      occurredAt: day,
    }).map((d): CustomerCommand => ({ type: 'RefundPurchase', data: { customerId, ...d } })),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      redemptionId: fc.constantFrom('rd-1', 'rd-2', 'rd-3', 'rd-4'),
      points: fc.integer({ min: 1, max: 600 }),
      occurredAt: day,
    }).map((d): CustomerCommand => ({ type: 'RedeemPoints', data: { customerId, rewardId: 'gift', ...d } })),
    weight: 2,
  },
  fc.record({
    adjustmentId: fc.constantFrom('adj-1', 'adj-2'),
    points: fc.integer({ min: -300, max: 300 }).filter((p) => p !== 0),
    occurredAt: day,
  }).map((d): CustomerCommand => ({ type: 'AdjustPoints', data: { customerId, reason: 'goodwill', actor: 'agent', ...d } })),
  { arbitrary: day.map((asOf): CustomerCommand => ({ type: 'ExpirePoints', data: { customerId, asOf } })), weight: 2 },
  day.map((asOf): CustomerCommand => ({ type: 'EvaluateTier', data: { customerId, asOf } })),
);

const ruleSets: fc.Arbitrary<LoyaltyRules> = fc.constantFrom<LoyaltyRules>(
  { ...RULES, bonuses: [{ id: 'card', multiplier: 1.5, paymentMethods: ['store-card'] }, { id: 'books', multiplier: 3, categories: ['books'] }] },
  { ...RULES, expiry: { kind: 'annual-lapse', on: '01-01', percent: 40, minAgeMonths: 3 } },
);

const run = (commands: readonly CustomerCommand[], context: DecisionContext) => {
  let state = initialState();
  const events: CustomerStreamEvent[] = [];
  const accepted: CustomerCommand[] = [];
  for (const c of commands) {
    try {
      const decided = decide(c, state, context);
      events.push(...decided);
      state = decided.reduce(evolve, state);
      accepted.push(c);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return { state, events, accepted };
};

const sumOf = (events: readonly CustomerStreamEvent[], type: CustomerStreamEvent['type']) =>
  events.reduce((sum, e) => (e.type === type ? sum + (e.data as { points: number }).points : sum), 0);

const histories = fc.tuple(fc.array(command, { maxLength: 40 }), ruleSets);

describe('any history of points movements', () => {
  it('keeps balance = earned - redeemed - expired - clawed back +/- adjustments, and the lots add up to it', () => {
    fc.assert(fc.property(histories, ([commands, rules]) => {
      const { state, events } = run(commands, { now: NOW, rules });
      const { ledger } = state.loyalty;
      const expected = sumOf(events, 'PointsEarned') - sumOf(events, 'PointsRedeemed') - sumOf(events, 'PointsExpired')
        - sumOf(events, 'PointsClawedBack') + sumOf(events, 'PointsAdjusted');
      expect(ledger.balance).toBe(expected);
      const held = ledger.openLots.reduce((sum, id) => sum + ledger.lots.get(id)!.remaining, 0);
      expect(ledger.balance).toBe(held - ledger.debt);
      expect(ledger.debt).toBeGreaterThanOrEqual(0);
    }));
  });

  it('never spends a lot twice: what leaves a lot never exceeds what it held', () => {
    fc.assert(fc.property(histories, ([commands, rules]) => {
      const { state, events } = run(commands, { now: NOW, rules });
      const taken = new Map<string, number>();
      const take = (lotId: string, points: number) => taken.set(lotId, (taken.get(lotId) ?? 0) + points);
      for (const e of events) {
        if (e.type === 'PointsRedeemed' || e.type === 'PointsClawedBack' || (e.type === 'PointsAdjusted' && e.data.points < 0)) {
          for (const share of e.data.lots) take(share.lotId, share.points);
        }
        if (e.type === 'PointsExpired') take(e.data.lotId, e.data.points);
      }
      for (const lot of state.loyalty.ledger.lots.values()) {
        expect(lot.remaining).toBeGreaterThanOrEqual(0);
        expect(taken.get(lot.lotId) ?? 0).toBe(lot.held - lot.remaining);
      }
      for (const lotId of taken.keys()) expect(state.loyalty.ledger.lots.has(lotId)).toBe(true);
    }));
  });

  it('never redeems beyond the balance, nor spends an expired lot', () => {
    fc.assert(fc.property(histories, ([commands, rules]) => {
      const { events } = run(commands, { now: NOW, rules });
      let state = initialState();
      for (const e of events) {
        if (e.type === 'PointsRedeemed') {
          expect(state.loyalty.ledger.balance).toBeGreaterThanOrEqual(e.data.points);
          for (const share of e.data.lots) {
            const lot = state.loyalty.ledger.lots.get(share.lotId)!;
            expect(lot.expiry.kind !== 'at' || lot.expiry.expiresAt > e.data.occurredAt).toBe(true);
          }
        }
        state = evolve(state, e);
      }
    }));
  });

  it('replays the same events to the same state, and a redelivered command decides nothing', () => {
    const isTick = (c: CustomerCommand) => c.type === 'ExpirePoints' || c.type === 'EvaluateTier';
    fc.assert(fc.property(histories, ([commands, rules]) => {
      const context = { now: NOW, rules };
      const { state, events, accepted } = run(commands, context);
      expect(events.reduce(evolve, initialState())).toEqual(state);
      for (const c of accepted.filter((c) => !isTick(c))) expect(decide(c, state, context)).toEqual([]);
      // A tick is idempotent at its instant: the same tick right after decides nothing more.
      for (const [i, c] of commands.entries()) {
        if (!isTick(c)) continue;
        const before = run(commands.slice(0, i + 1), context).state;
        expect(decide(c, before, context)).toEqual([]);
      }
      const keys = events.map(upstreamKeyOf);
      expect(new Set(keys).size).toBe(keys.length);
    }));
  });

  it('shows the same balance in the view at any later instant as the ledger once that instant has been ticked', () => {
    fc.assert(fc.property(histories, ([commands, rules]) => {
      const context = { now: NOW, rules };
      const { state } = run(commands, context);
      const ticked = decide({ type: 'ExpirePoints', data: { customerId, asOf: END } }, state, context).reduce(evolve, state);
      expect(pointsView(state, END, rules).balance).toBe(ticked.loyalty.ledger.balance);
      expect(pointsView(ticked, END, rules).balance).toBe(ticked.loyalty.ledger.balance);
    }));
  });
});
