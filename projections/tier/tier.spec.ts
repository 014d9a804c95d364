import { type ClockTicked, CLOCK_STREAM_ID, type CustomerStreamEvent, type LoyaltyRules, upstreamKeyOf } from '@lifecycle/domain';
import { eventIdFor } from '@lifecycle/event-store';
import type { LoyaltyDefinition } from '../points/loyalty-definition';
import { newCustomerId, openReadModelHarness, type ReadModelHarness } from '../testing/read-model-harness';
import { tierFamily } from './tier.family';
import { tierOf } from './tier.query';
import { createTierProjection, defaultTierDefinition, tierReadModel } from './tier.read-model';

// The live rules: silver from 500 EUR, gold from 1,500 EUR, platinum from 5,000 EUR of net spend over
// a rolling 12 months (spend alone); a tier is reviewed 12 months after it was reached.
const LIVE = defaultTierDefinition.rules;

const tick = async (h: ReadModelHarness, at: string) => {
  const event: ClockTicked = { type: 'ClockTicked', data: { at } };
  await h.eventStore.appendToStream(CLOCK_STREAM_ID, [{ id: eventIdFor(CLOCK_STREAM_ID, `tick:${at}`), type: event.type, data: event.data }], { expectedRevision: 'any' });
  await h.runner.catchUp();
};

const facts = (customerId: string) => ({
  registered: (at = '2024-01-02T09:00:00.000Z'): CustomerStreamEvent =>
    ({ type: 'CustomerRegistered', data: { customerId, registeredAt: at, channel: 'web', implicit: false } }),
  purchase: (orderId: string, amount: number, occurredAt: string): CustomerStreamEvent =>
    ({ type: 'PurchaseRecorded', data: { customerId, orderId, amount, currency: 'EUR', occurredAt } }),
  refund: (refundId: string, orderId: string, amount: number, occurredAt: string): CustomerStreamEvent =>
    ({ type: 'PurchaseRefunded', data: { customerId, refundId, orderId, amount, currency: 'EUR', occurredAt } }),
});

const append = (h: ReadModelHarness, ...events: CustomerStreamEvent[]) =>
  h.given(...events.map((e) => ({ type: e.type, data: e.data as never, upstreamKey: upstreamKeyOf(e) })));

describe('tier read model', () => {
  let h: ReadModelHarness;
  let id: string;
  let f: ReturnType<typeof facts>;

  beforeAll(async () => {
    h = await openReadModelHarness([createTierProjection(defaultTierDefinition)], tierReadModel);
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    id = newCustomerId();
    f = facts(id);
  });

  describe('when the customer has registered and bought little', () => {
    it('holds the first tier since the registration, with the distance to the next', async () => {
      await append(h, f.registered(), f.purchase('o-1', 12_000, '2024-02-01T10:00:00.000Z'));
      expect(await tierOf(h.dataSource, id, '2024-03-01T00:00:00.000Z')).toMatchObject({
        tier: 'standard',
        since: '2024-01-02T09:00:00.000Z',
        rolling: { netSpend: 12_000, orders: 1, currency: 'EUR', windowFrom: '2023-03-01T00:00:00.000Z', windowTo: '2024-03-01T00:00:00.000Z' },
        next: { tier: 'silver', minSpend: 50_000, spendNeeded: 38_000 },
        version: 1,
      });
    });
  });

  describe('when a purchase crosses a threshold', () => {
    it('upgrades at that purchase; the rolling spend and the distance follow the instant asked', async () => {
      await append(h, f.registered(), f.purchase('o-1', 30_000, '2024-02-01T10:00:00.000Z'), f.purchase('o-2', 25_000, '2024-04-01T10:00:00.000Z'));
      expect(await tierOf(h.dataSource, id, '2024-03-01T00:00:00.000Z')).toMatchObject({ tier: 'standard' });
      expect(await tierOf(h.dataSource, id, '2024-05-01T00:00:00.000Z')).toMatchObject({
        tier: 'silver', since: '2024-04-01T10:00:00.000Z', nextReviewAt: '2025-04-01T10:00:00.000Z',
        rolling: { netSpend: 55_000 }, next: { tier: 'gold', spendNeeded: 95_000 },
      });
      // A year on, o-1 has left the window: the tier holds (only a review moves it down), the figures do not.
      expect(await tierOf(h.dataSource, id, '2025-03-01T00:00:00.000Z')).toMatchObject({ tier: 'silver', rolling: { netSpend: 25_000 } });
    });

    it('counts refunds against the rolling spend', async () => {
      await append(h, f.registered(), f.purchase('o-1', 60_000, '2024-02-01T10:00:00.000Z'), f.refund('r-1', 'o-1', 20_000, '2024-02-10T00:00:00.000Z'));
      expect(await tierOf(h.dataSource, id, '2024-03-01T00:00:00.000Z')).toMatchObject({ tier: 'silver', rolling: { netSpend: 40_000 }, next: { spendNeeded: 110_000 } });
    });
  });

  describe('when the clock reaches the review', () => {
    it('moves the tier down to what the last 12 months earn, at the tick', async () => {
      await append(h, f.registered(), f.purchase('o-1', 60_000, '2024-02-01T10:00:00.000Z'));
      await tick(h, '2025-01-01T00:00:00.000Z');
      expect(await tierOf(h.dataSource, id, '2025-01-01T00:00:00.000Z')).toMatchObject({ tier: 'silver' });
      await tick(h, '2025-02-03T00:00:00.000Z');
      expect(await tierOf(h.dataSource, id)).toMatchObject({ asOf: '2025-02-03T00:00:00.000Z', tier: 'standard', since: '2025-02-03T00:00:00.000Z' });
      // As of before the review, the customer was still silver.
      expect(await tierOf(h.dataSource, id, '2025-02-02T00:00:00.000Z')).toMatchObject({ tier: 'silver' });
      const [row] = (await h.dataSource.query(`SELECT tier, next_due_at FROM tier WHERE customer_id = $1`, [id])) as Record<string, unknown>[];
      expect(row).toEqual({ tier: 'standard', next_due_at: null });
    });
  });
});

describe('a what-if tier version built beside the live one', () => {
  let h: ReadModelHarness;
  // A higher gold threshold: 2,500 EUR instead of 1,500.
  const whatIf: LoyaltyDefinition = {
    projection: 'tier',
    version: 2,
    rules: { ...LIVE, version: 'what-if-gold-2500', tiers: LIVE.tiers.map((t) => (t.name === 'gold' ? { ...t, minSpend: { EUR: 250_000, USD: 275_000 } } : t)) } as LoyaltyRules,
  };

  beforeAll(async () => {
    h = await openReadModelHarness([createTierProjection(defaultTierDefinition), createTierProjection(tierFamily.parseDefinition(whatIf))], tierReadModel);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows who moves between tiers in a from x to matrix', async () => {
    const spend = [10_000, 60_000, 160_000, 200_000, 300_000, 600_000];
    for (const [i, amount] of spend.entries()) {
      const f = facts(`what-if-${i}`);
      await append(h, f.registered(), f.purchase('o-1', amount, '2024-02-01T10:00:00.000Z'));
    }
    const diff = await tierFamily.diff!(h.dataSource, 1, 2, '2024-03-01T00:00:00.000Z');
    expect(diff.matrices).toEqual([{
      dimension: 'tier',
      cells: [
        { from: 'standard', to: 'standard', customers: 1 },
        { from: 'silver', to: 'silver', customers: 1 },
        // 1,600 and 2,000 EUR: gold under the live rules, silver under the what-if.
        { from: 'gold', to: 'silver', customers: 2 },
        { from: 'gold', to: 'gold', customers: 1 },
        { from: 'platinum', to: 'platinum', customers: 1 },
      ],
    }]);
    expect(diff.totals).toContainEqual({ measure: 'customers in gold', from: 3, to: 1 });
    expect(diff.totals).toContainEqual({ measure: 'customers whose tier changes', from: 0, to: 2 });
    // The same version against itself moves nobody.
    expect((await tierFamily.diff!(h.dataSource, 1, 1)).totals).toContainEqual({ measure: 'customers whose tier changes', from: 0, to: 0 });
  });
});
