import fc from 'fast-check';
import {
  CLOCK_STREAM_ID, type CustomerCommand, type CustomerState, type CustomerStreamEvent, decide, DomainError, dueCommands, evolve,
  initialState, pointsView, tierView, toCustomerStreamId, upstreamKeyOf,
} from '@lifecycle/domain';
import { eventIdFor } from '@lifecycle/event-store';
import { createTierProjection, defaultTierDefinition, tierReadModel } from '../tier/tier.read-model';
import { tierOf } from '../tier/tier.query';
import { openReadModelHarness, type ReadModelHarness } from '../testing/read-model-harness';
import { pointsOf } from './points.query';
import { createPointsProjection, defaultPointsDefinition, pointsReadModel } from './points.read-model';

/**
 * With the live rules (definition v1), the projections must equal what the log recorded: random
 * histories of several customers (purchases with bonuses, refunds, redemptions, adjustments, and
 * the engine's tick, logged as a ClockTicked or not) are decided by the real decider, appended to
 * the log, projected, and compared with the domain's pointsView / tierView over the same streams.
 */
const RULES = defaultPointsDefinition.rules;
const NOW = '2026-01-01T00:00:00.000Z';
const day = fc.integer({ min: 0, max: 900 }).map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000 + 36_000_000).toISOString());
const who = fc.integer({ min: 0, max: 2 });

type Step = { readonly who: number; readonly command: (customerId: string) => CustomerCommand } | { readonly tick: string; readonly logged: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      who, orderId: fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6'), amount: fc.integer({ min: 0, max: 200_000 }), occurredAt: day,
      paymentMethod: fc.constantFrom(undefined, 'store-card'),
      items: fc.constantFrom(undefined, [{ sku: 'B', category: 'books', quantity: 1, amount: 700 }, { sku: 'T', quantity: 2, amount: 300 }]),
    }).map(({ who, ...d }): Step => ({ who, command: (customerId) => ({ type: 'RecordPurchase', data: { customerId, currency: 'EUR', ...d } }) })),
    weight: 4,
  },
  {
    arbitrary: fc.record({ who, refundId: fc.constantFrom('r-1', 'r-2', 'r-3'), orderId: fc.constantFrom('o-1', 'o-2', 'o-3'), amount: fc.integer({ min: 1, max: 100_000 }), occurredAt: day })
      .map(({ who, ...d }): Step => ({ who, command: (customerId) => ({ type: 'RefundPurchase', data: { customerId, ...d } }) })),
    weight: 2,
  },
  {
    arbitrary: fc.record({ who, redemptionId: fc.constantFrom('rd-1', 'rd-2', 'rd-3'), points: fc.integer({ min: 1, max: 1500 }), occurredAt: day })
      .map(({ who, ...d }): Step => ({ who, command: (customerId) => ({ type: 'RedeemPoints', data: { customerId, rewardId: 'gift', ...d } }) })),
    weight: 2,
  },
  fc.record({ who, adjustmentId: fc.constantFrom('adj-1', 'adj-2'), points: fc.integer({ min: -400, max: 400 }).filter((p) => p !== 0), occurredAt: day })
    .map(({ who, ...d }): Step => ({ who, command: (customerId) => ({ type: 'AdjustPoints', data: { customerId, reason: 'goodwill', actor: 'agent', ...d } }) })),
  { arbitrary: fc.record({ tick: day, logged: fc.boolean() }), weight: 3 },
);

const instants = ['2024-04-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z', '2025-06-15T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'];

describe('points and tier with the live rules', () => {
  let h: ReadModelHarness;
  let run = 0;

  beforeAll(async () => {
    h = await openReadModelHarness(
      [createPointsProjection(defaultPointsDefinition), createTierProjection(defaultTierDefinition)],
      { entities: [...pointsReadModel.entities, ...tierReadModel.entities], migrations: [...pointsReadModel.migrations, ...tierReadModel.migrations] },
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('equal the points and tier the log recorded, at any instant, for any history', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
      run += 1;
      const ids = [0, 1, 2].map((i) => `live-${run}-${i}`);
      const states = new Map<string, CustomerState>(ids.map((id) => [id, initialState()]));
      const log: { streamId: string; event: { type: string; data: object }; key: string }[] = [];
      const record = (id: string, command: CustomerCommand, now: string) => {
        try {
          const decided = decide(command, states.get(id)!, { now, rules: RULES });
          states.set(id, decided.reduce(evolve, states.get(id)!));
          for (const e of decided) log.push({ streamId: toCustomerStreamId(id), event: e, key: upstreamKeyOf(e as CustomerStreamEvent) });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
      };
      for (const id of ids) record(id, { type: 'RegisterCustomer', data: { customerId: id, registeredAt: '2023-12-01T09:00:00Z', channel: 'web' } }, NOW);
      steps.forEach((s, i) => {
        if ('command' in s) return record(ids[s.who]!, s.command(ids[s.who]!), NOW);
        if (s.logged) log.push({ streamId: CLOCK_STREAM_ID, event: { type: 'ClockTicked', data: { at: s.tick } }, key: `tick:${run}:${i}` });
        // The engine's tick: what is due for every customer at that instant (no birthdays: no personal data here).
        for (const id of ids) for (const c of dueCommands(states.get(id)!, s.tick, RULES)) if (c.type !== 'SettleReferral') record(id, c, s.tick);
      });
      for (const { streamId, event, key } of log) {
        await h.eventStore.appendToStream(streamId, [{ id: eventIdFor(streamId, key), type: event.type, data: event.data }], { expectedRevision: 'any' });
      }
      await h.runner.catchUp();

      for (const id of ids) {
        const state = states.get(id)!;
        for (const at of instants) {
          const points = await pointsOf(h.dataSource, id, at);
          expect(points).toMatchObject(pointsView(state, at, RULES));
          expect(points!.shortfall).toEqual({ movements: 0, points: 0 });
          const { totals } = state.loyalty.ledger;
          expect(points!.lifetime).toEqual({ earned: totals.earned, redeemed: totals.redeemed, expired: totals.expired, clawedBack: totals.clawedBack, adjusted: totals.adjusted });
          expect(await tierOf(h.dataSource, id, at)).toMatchObject(tierView(state, at, RULES));
        }
      }
    }), { numRuns: 25 });
  });
});
