import fc from 'fast-check';
import { DomainError } from '../shared/domain-error';
import { CUSTOMER, NOW } from '../testing/customer-fixtures';
import type { CustomerCommand } from './customer.commands';
import { type CustomerStreamEvent, INTERACTION_KINDS } from './customer.events';
import { decide } from './customer.decide';
import { evolve, initialState } from './customer.state';
import { customerProfile, orderOf } from './customer.views';
import { upstreamKeyOf } from './upstream-key';

// Small pools of ids and values, so that random histories are full of repeats, conflicts,
// over-refunds, foreign currencies and late erasures, not just fresh facts.
const day = fc.integer({ min: 1, max: 28 }).map((d) => `2024-02-${String(d).padStart(2, '0')}T10:00:00Z`);
const customerId = CUSTOMER;

const command: fc.Arbitrary<CustomerCommand> = fc.oneof(
  fc.record({
    registeredAt: day,
    channel: fc.constantFrom('web', 'store'),
    referrerId: fc.constantFrom(undefined, 'c-bob'),
    personal: fc.constantFrom(undefined, { sealed: 's1', fingerprint: 'fp-1', keyId: 'k' }, { sealed: 's2', fingerprint: 'fp-2', keyId: 'k' }),
  }).map((data): CustomerCommand => ({ type: 'RegisterCustomer', data: { customerId, ...data } })),
  fc.record({
    orderId: fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4', 'o-5'),
    amount: fc.integer({ min: 0, max: 10_000 }),
    currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
    occurredAt: day,
  }).map((data): CustomerCommand => ({ type: 'RecordPurchase', data: { customerId, ...data } })),
  fc.record({
    refundId: fc.constantFrom('r-1', 'r-2', 'r-3', 'r-4'),
    orderId: fc.constantFrom('o-1', 'o-2', 'o-3', 'o-9'),
    amount: fc.integer({ min: 1, max: 6_000 }),
    occurredAt: day,
  }).map((data): CustomerCommand => ({ type: 'RefundPurchase', data: { customerId, ...data } })),
  fc.record({
    interactionId: fc.constantFrom('i-1', 'i-2', 'i-3'),
    kind: fc.constantFrom(...INTERACTION_KINDS),
    occurredAt: day,
    satisfaction: fc.constantFrom(undefined, 4),
  }).map((data): CustomerCommand => ({ type: 'RecordInteraction', data: { customerId, ...data } })),
  { arbitrary: fc.constant<CustomerCommand>({ type: 'EraseCustomer', data: { customerId } }), weight: 1 },
);

/** Runs the commands as the engine would, keeping what was accepted and what was decided. */
const run = (commands: readonly CustomerCommand[]) => {
  let state = initialState();
  const events: CustomerStreamEvent[] = [];
  const accepted: CustomerCommand[] = [];
  for (const c of commands) {
    try {
      const decided = decide(c, state, { now: NOW });
      events.push(...decided);
      state = decided.reduce(evolve, state);
      accepted.push(c);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return { state, events, accepted };
};

const sum = (amounts: readonly number[]) => amounts.reduce((a, b) => a + b, 0);
const histories = fc.array(command, { maxLength: 40 });

describe('any history of customer commands', () => {
  it('replays to the same state, from scratch and again', () => {
    fc.assert(fc.property(histories, (commands) => {
      const { state, events } = run(commands);
      const replayed = events.reduce(evolve, initialState());
      expect(replayed).toEqual(state);
      expect(events.reduce(evolve, initialState())).toEqual(replayed);
    }));
  });

  it('has net spend = purchases - refunds, and no order refunded beyond what was paid', () => {
    fc.assert(fc.property(histories, (commands) => {
      const { state, events } = run(commands);
      const purchases = events.flatMap((e) => (e.type === 'PurchaseRecorded' ? [e.data] : []));
      const refunds = events.flatMap((e) => (e.type === 'PurchaseRefunded' ? [e.data.amount] : []));
      const profile = customerProfile(state);
      expect(profile.grossSpend).toBe(sum(purchases.map((p) => p.amount)));
      expect(profile.netSpend).toBe(sum(purchases.map((p) => p.amount)) - sum(refunds));
      expect(profile.orderCount).toBe(purchases.length);
      expect(new Set(purchases.map((p) => p.currency)).size).toBeLessThanOrEqual(1);
      for (const p of purchases) expect(orderOf(state, p.orderId)!.netAmount).toBeGreaterThanOrEqual(0);
    }));
  });

  it('decides nothing when any accepted command is delivered again', () => {
    fc.assert(fc.property(histories, (commands) => {
      const { state, accepted } = run(commands);
      for (const c of accepted) expect(decide(c, state, { now: NOW })).toEqual([]);
    }));
  });

  it('gives every event its own upstream key, so event ids never collide', () => {
    fc.assert(fc.property(histories, (commands) => {
      const keys = run(commands).events.map(upstreamKeyOf);
      expect(new Set(keys).size).toBe(keys.length);
    }));
  });
});
