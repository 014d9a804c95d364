import type { CustomerEvent } from '@lifecycle/domain';
import { evt, SEALED } from '@lifecycle/domain/testing/customer-fixtures';
import { PROJECTION_FAMILIES } from '../families';
import { READ_MODELS } from '../index';
import { lifecycleOf } from '../lifecycle/lifecycle.query';
import { pointsOf } from '../points/points.query';
import { segmentOf } from '../rfm/rfm.query';
import { newCustomerId, openReadModelHarness, type ReadModelHarness } from '../testing/read-model-harness';
import { tierOf } from '../tier/tier.query';
import { customerSummary, type CustomerSummaryView } from './customer-summary.query';
import { customerSummaryProjection, customerSummaryReadModel } from './customer-summary.read-model';

const AS_OF = '2024-06-01T00:00:00.000Z';

describe('customer summary', () => {
  let h: ReadModelHarness;
  let id: string;

  beforeAll(async () => {
    h = await openReadModelHarness([customerSummaryProjection], customerSummaryReadModel);
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    id = newCustomerId();
  });

  /** The shared fixtures, re-targeted at this test's customer (the suite shares one log). */
  const of = <E extends CustomerEvent>(event: E): E => ({ ...event, data: { ...event.data, customerId: id } });
  const given = (...events: CustomerEvent[]): Promise<void> => h.given(...events.map(of));
  const summary = (asOf = AS_OF): Promise<CustomerSummaryView | null> => customerSummary(h.dataSource, id, { asOf });
  const eur = (amount: string) => ({ amount, currency: 'EUR' });

  describe('when the log knows nothing of the customer', () => {
    it('answers null', async () => {
      expect(await summary()).toBeNull();
    });
  });

  describe('when the customer has registered and bought nothing', () => {
    it('has the registration and zero totals, without an average', async () => {
      await given(evt.registered({ registeredAt: '2024-01-01T09:00:00.000Z' }));
      expect(await summary()).toEqual({
        customerId: id,
        registeredAt: '2024-01-01T09:00:00.000Z',
        implicit: false,
        firstPurchaseAt: null,
        lastPurchaseAt: null,
        orderCount: 0,
        grossRevenue: { amount: '0', currency: null },
        refundedAmount: { amount: '0', currency: null },
        netRevenue: { amount: '0', currency: null },
        averageOrderValue: null,
        interactionCounts: {},
        lastInteractionAt: null,
        lastSatisfaction: null,
        lastNps: null,
        complaintsLast90Days: 0,
        asOf: AS_OF,
        erased: false,
        erasedAt: null,
        // This suite hosts the customer summary alone: the other read models answer nothing.
        pointsBalance: null,
        tier: null,
        stage: null,
        segment: null,
        valueGroup: null,
      });
    });
  });

  describe('when purchases arrive out of event-time order', () => {
    it('takes first and last purchase as the earliest and latest, and rounds the average half up', async () => {
      await given(
        evt.registeredImplicitly('2024-03-01T10:00:00.000Z'),
        evt.purchased({ orderId: 'o-late', amount: 100, occurredAt: '2024-03-01T10:00:00.000Z' }),
        evt.purchased({ orderId: 'o-early', amount: 101, occurredAt: '2024-01-15T10:00:00.000Z' }),
        evt.purchased({ orderId: 'o-mid', amount: 100, occurredAt: '2024-02-01T10:00:00.000Z' }),
      );
      expect(await summary()).toMatchObject({
        implicit: true,
        firstPurchaseAt: '2024-01-15T10:00:00.000Z',
        lastPurchaseAt: '2024-03-01T10:00:00.000Z',
        orderCount: 3,
        netRevenue: eur('301'),
        averageOrderValue: eur('100'),
      });

      await given(evt.purchased({ orderId: 'o-4', amount: 101 }));
      // 402 / 4 = 100.5, rounded half up.
      expect(await summary()).toMatchObject({ orderCount: 4, grossRevenue: eur('402'), averageOrderValue: eur('101') });
    });

    it('keeps sums beyond 2^53 minor units exact', async () => {
      const most = Number.MAX_SAFE_INTEGER;
      await given(evt.purchased({ orderId: 'o-1', amount: most }), evt.purchased({ orderId: 'o-2', amount: most }));
      expect(await summary()).toMatchObject({ netRevenue: eur('18014398509481982'), averageOrderValue: eur('9007199254740991') });
    });
  });

  describe('when a purchase registered the customer before the registration came', () => {
    it('takes the explicit registration over the implicit one', async () => {
      await given(evt.registeredImplicitly('2024-02-01T10:00:00.000Z'), evt.purchased());
      expect(await summary()).toMatchObject({ registeredAt: '2024-02-01T10:00:00.000Z', implicit: true });

      await given(evt.registered({ registeredAt: '2024-02-03T08:00:00.000Z' }));
      expect(await summary()).toMatchObject({ registeredAt: '2024-02-03T08:00:00.000Z', implicit: false, orderCount: 1 });
    });

    it('never lets an implicit registration replace an explicit one', async () => {
      await given(evt.registered({ registeredAt: '2024-01-01T09:00:00.000Z' }), evt.registeredImplicitly('2024-05-01T10:00:00.000Z'));
      expect(await summary()).toMatchObject({ registeredAt: '2024-01-01T09:00:00.000Z', implicit: false });
    });
  });

  describe('when a purchase is refunded', () => {
    it('lowers net revenue and the average, and still counts the order', async () => {
      await given(
        evt.purchased({ orderId: 'o-1', amount: 5000 }),
        evt.purchased({ orderId: 'o-2', amount: 3000 }),
        evt.refunded({ refundId: 'r-1', orderId: 'o-1', amount: 1500 }),
        evt.refunded({ refundId: 'r-2', orderId: 'o-2', amount: 3000 }),
      );
      expect(await summary()).toMatchObject({
        orderCount: 2,
        grossRevenue: eur('8000'),
        refundedAmount: eur('4500'),
        netRevenue: eur('3500'),
        averageOrderValue: eur('1750'),
      });
    });
  });

  describe('when the customer interacts', () => {
    it('counts interactions by kind and keeps the latest satisfaction and NPS answers by event time', async () => {
      await given(
        evt.interacted({ interactionId: 'i-1', kind: 'email_open', occurredAt: '2024-02-01T08:00:00.000Z' }),
        evt.interacted({ interactionId: 'i-2', kind: 'email_open', occurredAt: '2024-02-03T08:00:00.000Z' }),
        evt.interacted({ interactionId: 'i-3', kind: 'survey', satisfaction: 4, nps: 9, occurredAt: '2024-03-01T08:00:00.000Z' }),
        // An older survey arriving late does not replace the newer answers.
        evt.interacted({ interactionId: 'i-4', kind: 'survey', satisfaction: 1, nps: 2, occurredAt: '2024-01-01T08:00:00.000Z' }),
        evt.interacted({ interactionId: 'i-5', kind: 'survey', nps: 6, occurredAt: '2024-04-01T08:00:00.000Z' }),
      );
      expect(await summary()).toMatchObject({
        interactionCounts: { email_open: 2, survey: 3 },
        lastInteractionAt: '2024-04-01T08:00:00.000Z',
        lastSatisfaction: { score: 4, at: '2024-03-01T08:00:00.000Z' },
        lastNps: { score: 6, at: '2024-04-01T08:00:00.000Z' },
      });
    });

    it('counts complaints in the 90 days up to the as-of instant, whatever instant is asked', async () => {
      const day = (d: string) => `${d}T12:00:00.000Z`;
      await given(
        evt.interacted({ interactionId: 'k-1', kind: 'complaint', occurredAt: day('2024-01-05') }),
        evt.interacted({ interactionId: 'k-2', kind: 'complaint', occurredAt: day('2024-04-10') }),
        evt.interacted({ interactionId: 'k-3', kind: 'complaint', occurredAt: day('2024-03-01') }),
        evt.interacted({ interactionId: 'k-4', kind: 'complaint', occurredAt: day('2024-06-20') }),
      );
      expect((await summary(day('2024-05-29')))!.complaintsLast90Days).toBe(2);
      // The window is (asOf - 90 days, asOf]: 2024-03-01 12:00 is exactly 90 days before 2024-05-30 12:00.
      expect((await summary(day('2024-05-30')))!.complaintsLast90Days).toBe(1);
      expect((await summary(day('2024-04-10')))!.complaintsLast90Days).toBe(2);
      expect((await summary(day('2024-01-04')))!.complaintsLast90Days).toBe(0);
      expect((await summary(day('2024-07-01')))!.complaintsLast90Days).toBe(2);
      expect((await summary())!.interactionCounts).toEqual({ complaint: 4 });
    });
  });

  describe('when the customer is erased', () => {
    it('says so and keeps the totals, which were never personal data', async () => {
      await given(evt.registered({ personal: SEALED }), evt.purchased({ amount: 700 }), evt.erased('2024-05-01T00:00:00.000Z'));
      expect(await summary()).toMatchObject({ erased: true, erasedAt: '2024-05-01T00:00:00.000Z', orderCount: 1, netRevenue: eur('700') });

      const stored = (await h.dataSource.query(`SELECT to_jsonb(s)::text AS row FROM customer_summary s WHERE customer_id = $1`, [id])) as { row: string }[];
      expect(stored).toHaveLength(1);
      for (const secret of [SEALED.sealed, SEALED.fingerprint, SEALED.keyId]) expect(stored[0]!.row).not.toContain(secret);
    });
  });

  describe('when other modules write to the customer stream', () => {
    it('passes over event types it does not handle', async () => {
      await given(evt.purchased({ amount: 900 }));
      await h.given({ type: 'PointsEarned', data: { customerId: id, points: 9 }, upstreamKey: 'points:o-1' });
      expect(await summary()).toMatchObject({ orderCount: 1, netRevenue: eur('900') });
      expect((await h.runner.status())[0]).toMatchObject({ state: 'live', lastError: null });
    });
  });
});

describe('customer summary beside the points, tier, lifecycle and rfm projections', () => {
  let h: ReadModelHarness;

  beforeAll(async () => {
    h = await openReadModelHarness(PROJECTION_FAMILIES.map((f) => f.create(f.defaultDefinition)), READ_MODELS);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers the points balance, tier, stage and segment as of the instant asked, as their own queries do', async () => {
    const id = newCustomerId();
    const of = <E extends CustomerEvent>(event: E): E => ({ ...event, data: { ...event.data, customerId: id } });
    await h.given(
      of(evt.registered({ registeredAt: '2024-01-01T09:00:00.000Z' })),
      of(evt.purchased({ orderId: 'o-1', amount: 60_000, occurredAt: '2024-02-01T10:00:00.000Z' })),
      of(evt.purchased({ orderId: 'o-2', amount: 10_000, occurredAt: '2024-03-01T10:00:00.000Z' })),
    );
    const at = '2024-03-15T00:00:00.000Z';
    const summary = await customerSummary(h.dataSource, id, { asOf: at });
    // 600 points for o-1 (which reaches silver, 500 EUR), then 100 x 1.25 for o-2.
    expect(summary).toMatchObject({ orderCount: 2, pointsBalance: 725, tier: 'silver' });
    expect(summary!.pointsBalance).toBe((await pointsOf(h.dataSource, id, at))!.balance);
    expect(summary!.tier).toBe((await tierOf(h.dataSource, id, at))!.tier);
    expect(summary!.stage).toBe((await lifecycleOf(h.dataSource, id, at))!.stage);
    expect(summary!.stage).not.toBeNull();
    const segment = (await segmentOf(h.dataSource, id, at))!;
    expect(summary).toMatchObject({ segment: segment.segment, valueGroup: segment.valueGroup });
    expect(summary!.segment).not.toBeNull();
    // Before the first purchase: no points yet, and the first tier.
    expect(await customerSummary(h.dataSource, id, { asOf: '2024-01-15T00:00:00.000Z' })).toMatchObject({ pointsBalance: 0, tier: 'standard' });
  });
});
