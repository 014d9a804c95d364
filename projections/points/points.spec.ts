import { type ClockTicked, CLOCK_STREAM_ID, type CustomerStreamEvent, type LoyaltyRules, upstreamKeyOf } from '@lifecycle/domain';
import { eventIdFor } from '@lifecycle/event-store';
import { loadLoyaltyRules } from '../../apps/engine/src/rules/load-loyalty-rules';
import { newCustomerId, openReadModelHarness, type ReadModelHarness } from '../testing/read-model-harness';
import { InvalidLoyaltyDefinitionError, type LoyaltyDefinition } from './loyalty-definition';
import { pointsFamily } from './points.family';
import { outstandingPoints, pointsOf } from './points.query';
import { createPointsProjection, defaultPointsDefinition, pointsReadModel } from './points.read-model';

// The live rules: 1 point per euro paid, lots expire 12 months after earning, silver from 500 EUR
// (x1.25), gold from 1,500 EUR (x1.5). Purchases below avoid the member day (the 8th) and the store card.
const LIVE = defaultPointsDefinition.rules;

describe('points read model', () => {
  let h: ReadModelHarness;
  let id: string;

  beforeAll(async () => {
    h = await openReadModelHarness([createPointsProjection(defaultPointsDefinition)], pointsReadModel);
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    id = newCustomerId();
  });

  const registered = (at = '2024-01-02T09:00:00.000Z'): CustomerStreamEvent =>
    ({ type: 'CustomerRegistered', data: { customerId: id, registeredAt: at, channel: 'web', implicit: false } });
  const purchase = (orderId: string, amount: number, occurredAt: string): CustomerStreamEvent =>
    ({ type: 'PurchaseRecorded', data: { customerId: id, orderId, amount, currency: 'EUR', occurredAt } });
  const refund = (refundId: string, orderId: string, amount: number, occurredAt: string): CustomerStreamEvent =>
    ({ type: 'PurchaseRefunded', data: { customerId: id, refundId, orderId, amount, currency: 'EUR', occurredAt } });
  // Recorded choices: the lots in the event are the engine's; the projection takes its own.
  const redeemed = (redemptionId: string, points: number, occurredAt: string): CustomerStreamEvent => ({
    type: 'PointsRedeemed',
    data: { customerId: id, redemptionId, rewardId: 'tote', points, lots: [], occurredAt, rulesVersion: LIVE.version },
  });
  const given = (...events: CustomerStreamEvent[]) => h.given(...events.map((e) => ({ type: e.type, data: e.data as never, upstreamKey: upstreamKeyOf(e) })));
  const tick = async (at: string) => {
    const event: ClockTicked = { type: 'ClockTicked', data: { at } };
    await h.eventStore.appendToStream(CLOCK_STREAM_ID, [{ id: eventIdFor(CLOCK_STREAM_ID, `tick:${at}`), type: event.type, data: event.data }], { expectedRevision: 'any' });
    await h.runner.catchUp();
  };

  describe('when the log knows nothing of the customer', () => {
    it('answers null', async () => {
      await given({ type: 'CustomerRegistered', data: { customerId: newCustomerId(), registeredAt: '2024-01-01T00:00:00.000Z', channel: 'web', implicit: false } });
      expect(await pointsOf(h.dataSource, id)).toBeNull();
    });
  });

  describe('when the customer has bought', () => {
    it('holds a lot per order with its expiry, and the points expiring within 30 days of the instant asked', async () => {
      await given(registered(), purchase('o-1', 12_345, '2024-02-01T10:00:00.000Z'), purchase('o-2', 40_000, '2024-03-01T10:00:00.000Z'));
      expect(await pointsOf(h.dataSource, id, '2024-06-01T00:00:00.000Z')).toMatchObject({
        balance: 523,
        currency: 'EUR',
        lots: [
          { lotId: 'order:o-1', earnedAt: '2024-02-01T10:00:00.000Z', points: 123, remaining: 123, expiresAt: '2025-02-01T10:00:00.000Z' },
          { lotId: 'order:o-2', earnedAt: '2024-03-01T10:00:00.000Z', points: 400, remaining: 400, expiresAt: '2025-03-01T10:00:00.000Z' },
        ],
        expiringSoon: { withinDays: 30, points: 0, lots: [] },
        lifetime: { earned: 523, redeemed: 0, expired: 0, clawedBack: 0, adjusted: 0 },
        shortfall: { movements: 0, points: 0 },
        version: 1,
        rulesVersion: LIVE.version,
      });
      // Expiring soon is as of the instant asked, and expired lots are gone at their instant.
      expect((await pointsOf(h.dataSource, id, '2025-01-15T00:00:00.000Z'))!.expiringSoon).toEqual({
        withinDays: 30, points: 123, lots: [{ lotId: 'order:o-1', points: 123, expiresAt: '2025-02-01T10:00:00.000Z' }],
      });
      expect(await pointsOf(h.dataSource, id, '2025-02-01T10:00:00.000Z')).toMatchObject({ balance: 400, lots: [{ lotId: 'order:o-2' }] });
      expect(await pointsOf(h.dataSource, id, '2024-02-15T00:00:00.000Z')).toMatchObject({ balance: 123 });
    });

    it('earns at the tier reached: the purchase that crosses 500 EUR earns at standard, the next at silver', async () => {
      await given(registered(), purchase('o-1', 60_000, '2024-02-01T10:00:00.000Z'), purchase('o-2', 10_000, '2024-02-02T10:00:00.000Z'));
      expect(await pointsOf(h.dataSource, id, '2024-03-01T00:00:00.000Z')).toMatchObject({ balance: 600 + 125 });
    });
  });

  describe('when points are redeemed and an order is refunded', () => {
    it('spends the oldest lots first and claws back the refunded share', async () => {
      await given(
        registered(),
        purchase('o-1', 10_000, '2024-02-01T10:00:00.000Z'),
        purchase('o-2', 20_000, '2024-02-03T10:00:00.000Z'),
        redeemed('rd-1', 150, '2024-02-10T00:00:00.000Z'),
        refund('r-1', 'o-2', 10_000, '2024-02-12T00:00:00.000Z'),
      );
      const view = await pointsOf(h.dataSource, id, '2024-03-01T00:00:00.000Z');
      // 100 + 200 earned; 150 redeemed (100 from o-1, 50 from o-2); half of o-2's 200 clawed back.
      expect(view).toMatchObject({
        balance: 50,
        lots: [{ lotId: 'order:o-2', remaining: 50 }],
        lifetime: { earned: 300, redeemed: 150, clawedBack: 100, expired: 0 },
      });
    });
  });

  describe('when the clock ticks', () => {
    it('expires due lots and moves the default as-of to the tick', async () => {
      await given(registered(), purchase('o-1', 10_000, '2024-02-01T10:00:00.000Z'));
      await tick('2025-03-01T00:00:00.000Z');
      const stored = (await h.dataSource.query(`SELECT balance, expired, next_due_at FROM points WHERE customer_id = $1`, [id])) as Record<string, unknown>[];
      expect(stored).toEqual([{ balance: '0', expired: '100', next_due_at: null }]);
      expect(await pointsOf(h.dataSource, id)).toMatchObject({ asOf: '2025-03-01T00:00:00.000Z', balance: 0, lifetime: { earned: 100, expired: 100 } });
    });
  });

  describe('outstanding points', () => {
    it('is the sum of the balances as of the instant, per currency, with its value', async () => {
      await given(registered(), purchase('o-1', 30_000, '2024-02-01T10:00:00.000Z'));
      const at = '2024-03-01T00:00:00.000Z';
      const total = (await outstandingPoints(h.dataSource, at))!;
      const eur = total.currencies.find((c) => c.currency === 'EUR')!;
      const rows = (await h.dataSource.query(`SELECT customer_id FROM points WHERE projection_version = 1`)) as { customer_id: string }[];
      let sum = 0;
      for (const r of rows) sum += (await pointsOf(h.dataSource, r.customer_id, at))!.balance;
      expect(eur.points).toBe(sum);
      expect(eur.points).toBeGreaterThanOrEqual(300);
      expect(eur.value).toBe(eur.points); // 100 points are worth 1.00 EUR
    });
  });
});

describe('points definitions', () => {
  it('ships version 1 with the live rules of config/loyalty-rules.yaml', () => {
    expect(defaultPointsDefinition).toMatchObject({ projection: 'points', version: 1 });
    expect(defaultPointsDefinition.rules).toEqual(loadLoyaltyRules());
  });

  it('refuses rules the engine would refuse, naming the field and the reason', () => {
    const raw = { projection: 'points', version: 2, rules: { ...LIVE, tiers: [LIVE.tiers[0], LIVE.tiers[1], { ...LIVE.tiers[2], minSpend: { EUR: 100, USD: 165_000 } }] } };
    expect(() => pointsFamily.parseDefinition(raw)).toThrow(InvalidLoyaltyDefinitionError);
    expect(() => pointsFamily.parseDefinition(raw)).toThrow('rules.tiers[2].minSpend.EUR: must be >= tiers[1].minSpend.EUR (50000)');
    expect(() => pointsFamily.parseDefinition({ projection: 'tier', version: 0, rules: LIVE, extra: 1 })).toThrow(
      /projection: must be points[\s\S]*version: must be a positive integer[\s\S]*extra: is not a known field/,
    );
  });
});

describe('a what-if points version built beside the live one', () => {
  let h: ReadModelHarness;
  const whatIf: LoyaltyDefinition = {
    projection: 'points',
    version: 2,
    description: 'double points per euro',
    rules: { ...LIVE, version: 'what-if-double', currencies: { ...LIVE.currencies, EUR: { ...LIVE.currencies.EUR!, pointsPerUnit: 2 } } } as LoyaltyRules,
  };

  beforeAll(async () => {
    h = await openReadModelHarness([createPointsProjection(defaultPointsDefinition), createPointsProjection(pointsFamily.parseDefinition(whatIf))], pointsReadModel);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the change in outstanding points and the customers whose balance moves', async () => {
    const [a, b, c] = [newCustomerId(), newCustomerId(), newCustomerId()];
    const buy = (customerId: string, orderId: string, amount: number, currency = 'EUR'): CustomerStreamEvent =>
      ({ type: 'PurchaseRecorded', data: { customerId, orderId, amount, currency, occurredAt: '2024-02-01T10:00:00.000Z' } });
    const reg = (customerId: string): CustomerStreamEvent =>
      ({ type: 'CustomerRegistered', data: { customerId, registeredAt: '2024-01-01T00:00:00.000Z', channel: 'web', implicit: false } });
    const redeem = (customerId: string, points: number): CustomerStreamEvent => ({
      type: 'PointsRedeemed',
      data: { customerId, redemptionId: 'rd-1', rewardId: 'gift', points, lots: [], occurredAt: '2024-02-05T00:00:00.000Z', rulesVersion: LIVE.version },
    });
    const events = [reg(a), buy(a, 'o-1', 10_000), reg(b), buy(b, 'o-1', 5_000), redeem(b, 50), reg(c), buy(c, 'o-1', 10_000, 'USD')];
    await h.given(...events.map((e) => ({ type: e.type, data: e.data as never, upstreamKey: upstreamKeyOf(e) })));

    const diff = await pointsFamily.diff!(h.dataSource, 1, 2, '2024-03-01T00:00:00.000Z');
    // a: 100 -> 200; b: 50 - 50 = 0 -> 100 - 50 = 50; c buys in USD, which the what-if leaves at 1 point per unit: 100 -> 100.
    expect(diff.totals).toEqual([
      { measure: 'outstanding points', from: 200, to: 350 },
      { measure: 'customers holding points', from: 2, to: 3 },
      { measure: 'points short for recorded redemptions', from: 0, to: 0 },
      { measure: 'customers whose balance changes', from: 0, to: 2 },
    ]);
    expect(diff.matrices).toEqual([{
      dimension: 'points balance',
      cells: [{ from: '0', to: '1-99', customers: 1 }, { from: '100-999', to: '100-999', customers: 2 }],
    }]);
    expect(await pointsOf(h.dataSource, a, '2024-03-01T00:00:00.000Z', 2)).toMatchObject({ balance: 200, rulesVersion: 'what-if-double' });
    expect(await pointsOf(h.dataSource, a, '2024-03-01T00:00:00.000Z', 1)).toMatchObject({ balance: 100, rulesVersion: LIVE.version });
  });
});
