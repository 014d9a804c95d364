import { customerDecider } from '../customer/customer.decide';
import { initialState } from '../customer/customer.state';
import { cmd, evt } from '../testing/customer-fixtures';
import { DeciderSpec } from '../testing/decider-spec';
import { lcmd, levt, LOYAL, RULES, withRules } from '../testing/loyalty-fixtures';
import type { CustomerStreamEvent } from '../customer/customer.events';
import type { TierChanged } from './loyalty.events';
import { tierView } from './tiers';

const spec = DeciderSpec.for(customerDecider, LOYAL);
const tierEvents = (events: readonly CustomerStreamEvent[]) => events.filter((e) => e.type === 'TierChanged' || e.type === 'TierRetained');
const fold = (events: readonly CustomerStreamEvent[]) => events.reduce(customerDecider.evolve, initialState());

/** 450 euros spent on 2024-01-10: 50 more reach silver (500 euros). */
const nearSilver = [evt.registered(), evt.purchased({ orderId: 'o-0', amount: 45_000, occurredAt: '2024-01-10T10:00:00.000Z' })];
const upgrade = (over: Partial<TierChanged['data']> = {}) => levt.tierChanged({
  trigger: 'order:o-1',
  figures: { ...levt.tierChanged().data.figures, orders: 2 },
  ...over,
});

describe('when a purchase crosses a tier threshold', () => {
  it('upgrades at once, exactly at the threshold, with the figures that decided it; the purchase earns at the old tier', () => {
    spec.given(nearSilver).when(cmd.purchase()).then([evt.purchased(), levt.earned(), upgrade()]);
  });

  it('does not upgrade one minor unit short', () => {
    expect(tierEvents(spec.given(nearSilver).when(cmd.purchase({ amount: 4999 })).events())).toEqual([]);
  });

  it('goes straight to the highest level reached', () => {
    const [change] = tierEvents(spec.given([evt.registered()]).when(cmd.purchase({ amount: 150_000 })).events());
    expect(change!.data).toMatchObject({ from: 'standard', to: 'gold', reason: 'upgrade' });
  });

  it('counts refunds made in the window against the spend', () => {
    const refunded = spec.given([...nearSilver, evt.refunded({ orderId: 'o-0', amount: 1, occurredAt: '2024-01-20T10:00:00.000Z' })]);
    expect(tierEvents(refunded.when(cmd.purchase()).events())).toEqual([]);
  });

  it('leaves out an order exactly 12 months old: the window is (asOf - 12 months, asOf]', () => {
    const old = spec.given([evt.registered(), evt.purchased({ orderId: 'o-0', amount: 45_000, occurredAt: '2023-02-01T10:00:00.000Z' })]);
    expect(tierEvents(old.when(cmd.purchase()).events())).toEqual([]);
    const younger = spec.given([evt.registered(), evt.purchased({ orderId: 'o-0', amount: 45_000, occurredAt: '2023-02-01T10:00:00.001Z' })]);
    expect(tierEvents(younger.when(cmd.purchase()).events())).toHaveLength(1);
  });

  it('needs the order count too when the rules say spend-and-orders', () => {
    const both = DeciderSpec.for(customerDecider, withRules({ tierPolicy: { ...RULES.tierPolicy, qualifyBy: 'spend-and-orders' } }));
    expect(tierEvents(both.given([evt.registered()]).when(cmd.purchase({ amount: 50_000 })).events())).toEqual([]);
    const second = both.given([evt.registered(), evt.purchased({ orderId: 'o-0', amount: 50_000, occurredAt: '2024-01-10T10:00:00.000Z' })]);
    expect(tierEvents(second.when(cmd.purchase({ amount: 100 })).events())[0]!.data).toMatchObject({ to: 'silver', figures: { orders: 2 } });
  });

  it('lets the order count alone reach a level when the rules say spend-or-orders', () => {
    const either = DeciderSpec.for(customerDecider, withRules({ tierPolicy: { ...RULES.tierPolicy, qualifyBy: 'spend-or-orders' } }));
    const orders = [1, 2, 3, 4].map((n) => evt.purchased({ orderId: `o-${n}`, amount: 1000, occurredAt: `2024-01-0${n}T10:00:00.000Z` }));
    const [change] = tierEvents(either.given([evt.registered(), ...orders]).when(cmd.purchase({ orderId: 'o-5', amount: 1000 })).events());
    expect(change!.data).toMatchObject({ to: 'gold', figures: { orders: 5, netSpend: 5000 } });
  });

  it('never moves a tier down on a refund: only the review does', () => {
    const silver = [evt.registered(), evt.purchased({ amount: 50_000 }), upgrade()];
    spec.given(silver).when(cmd.refund({ amount: 50_000 })).then([evt.refunded({ amount: 50_000 })]);
  });
});

describe('when the tier is reviewed (EvaluateTier)', () => {
  const silver = [evt.registered(), evt.purchased({ amount: 50_000 }), upgrade()];
  const review = '2025-02-01T10:00:00.000Z';

  it('decides nothing before the review date', () => {
    spec.given(silver).when(lcmd.evaluateTier('2025-02-01T09:59:59.999Z')).thenNothingHappens();
  });

  it('moves down at the review to what the rolling window earns', () => {
    spec.given(silver).when(lcmd.evaluateTier(review)).then([{
      type: 'TierChanged',
      data: {
        customerId: 'c-ada', from: 'silver', to: 'standard', reason: 'review', trigger: `review:${review}`, changedAt: review,
        figures: {
          windowFrom: '2024-02-01T10:00:00.000Z', windowTo: review, currency: 'EUR', netSpend: 0, orders: 0, qualifyBy: 'spend', minSpend: 0,
        },
        rulesVersion: 'rules-1',
      },
    }]);
  });

  it('never goes below what the last 12 months earn: gold with 600 euros of recent spend lands on silver', () => {
    const gold = [
      evt.registered(), evt.purchased({ amount: 150_000 }), upgrade({ to: 'gold' }),
      evt.purchased({ orderId: 'o-2', amount: 60_000, occurredAt: '2024-12-01T10:00:00.000Z' }),
    ];
    const [change] = spec.given(gold).when(lcmd.evaluateTier(review)).events();
    expect(change!.data).toMatchObject({ from: 'gold', to: 'silver', reason: 'review', nextReviewAt: '2026-02-01T10:00:00.000Z' });
  });

  it('keeps a tier the window still earns, and moves the next review on by one period', () => {
    const kept = [...silver, evt.purchased({ orderId: 'o-2', amount: 60_000, occurredAt: '2024-12-01T10:00:00.000Z' })];
    const [retained] = spec.given(kept).when(lcmd.evaluateTier(review)).events();
    expect(retained).toMatchObject({ type: 'TierRetained', data: { tier: 'silver', trigger: `review:${review}`, nextReviewAt: '2026-02-01T10:00:00.000Z' } });
    spec.given([...kept, retained!]).when(lcmd.evaluateTier(review)).thenNothingHappens();
  });

  it('after missed reviews, schedules the next one after the tick, on the same anniversary', () => {
    const kept = [...silver, evt.purchased({ orderId: 'o-2', amount: 60_000, occurredAt: '2025-12-01T10:00:00.000Z' })];
    const [retained] = spec.given(kept).when(lcmd.evaluateTier('2026-03-01T00:00:00Z')).events();
    expect(retained!.data).toMatchObject({ nextReviewAt: '2027-02-01T10:00:00.000Z' });
  });

  it('never reviews the lowest level, nor an erased customer', () => {
    spec.given(nearSilver).when(lcmd.evaluateTier(review)).thenNothingHappens();
    spec.given([...silver, evt.erased()]).when(lcmd.evaluateTier(review)).thenNothingHappens();
  });
});

describe('the tier view', () => {
  const history = [
    ...nearSilver,
    ...spec.given(nearSilver).when(cmd.purchase()).events(),
  ];

  it('tells the tier, since when, the rolling figures and the distance to the next level', () => {
    expect(tierView(fold(history), '2024-06-01T12:00:00Z', RULES)).toEqual({
      asOf: '2024-06-01T12:00:00.000Z', tier: 'silver', since: '2024-02-01T10:00:00.000Z', pointsMultiplier: 1.25, discountPercent: 5,
      nextReviewAt: '2025-02-01T10:00:00.000Z',
      rolling: {
        windowFrom: '2023-06-01T12:00:00.000Z', windowTo: '2024-06-01T12:00:00.000Z', currency: 'EUR', netSpend: 50_000, orders: 2, qualifyBy: 'spend',
      },
      next: { tier: 'gold', minSpend: 150_000, spendNeeded: 100_000 },
    });
  });

  it('answers as of an instant before the upgrade with the tier held then', () => {
    expect(tierView(fold(history), '2024-01-31T00:00:00Z', RULES)).toMatchObject({ tier: 'standard', since: '2024-01-01T09:00:00.000Z' });
  });

  it('counts orders to the next level when the rules do', () => {
    const rules = { ...RULES, tierPolicy: { ...RULES.tierPolicy, qualifyBy: 'spend-and-orders' as const } };
    expect(tierView(fold(history), '2024-06-01T12:00:00Z', rules).next).toEqual({
      tier: 'gold', minSpend: 150_000, spendNeeded: 100_000, minOrders: 5, ordersNeeded: 3,
    });
  });
});
