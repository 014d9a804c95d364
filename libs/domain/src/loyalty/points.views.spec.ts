import { customerDecider } from '../customer/customer.decide';
import type { CustomerStreamEvent } from '../customer/customer.events';
import { initialState } from '../customer/customer.state';
import { evt } from '../testing/customer-fixtures';
import { levt, RULES } from '../testing/loyalty-fixtures';
import { pointsHistory, pointsView } from './points.views';

const fold = (events: readonly CustomerStreamEvent[]) => events.reduce(customerDecider.evolve, initialState());
const o2 = levt.earned({ orderId: 'o-2', points: 30, earnedAt: '2024-03-01T10:00:00.000Z', expiry: { kind: 'at', expiresAt: '2025-03-01T10:00:00.000Z' } });
const history = [
  evt.registered(), evt.purchased(), levt.earned(),
  evt.purchased({ orderId: 'o-2', amount: 3000, occurredAt: '2024-03-01T10:00:00.000Z' }), o2,
  levt.redeemed({ points: 20, occurredAt: '2024-04-01T00:00:00.000Z', lots: [{ lotId: 'order:o-1', points: 20 }] }),
];
const state = fold(history);

describe('the points view', () => {
  it('gives the balance and the lots still holding points, oldest first, with their expiry', () => {
    expect(pointsView(state, '2024-06-01T12:00:00Z', RULES)).toEqual({
      asOf: '2024-06-01T12:00:00.000Z', balance: 60, outstanding: 60, debt: 0, currency: 'EUR',
      lots: [
        {
          lotId: 'order:o-1', source: 'purchase', orderId: 'o-1', earnedAt: '2024-02-01T10:00:00.000Z', points: 50, remaining: 30,
          expiresAt: '2025-02-01T10:00:00.000Z', expiringPoints: 30, rulesVersion: 'rules-1',
        },
        {
          lotId: 'order:o-2', source: 'purchase', orderId: 'o-2', earnedAt: '2024-03-01T10:00:00.000Z', points: 30, remaining: 30,
          expiresAt: '2025-03-01T10:00:00.000Z', expiringPoints: 30, rulesVersion: 'rules-1',
        },
      ],
      expiringSoon: { withinDays: 30, points: 0, lots: [] },
    });
  });

  it('lists what expires within the next 30 days', () => {
    expect(pointsView(state, '2025-01-15T00:00:00Z', RULES).expiringSoon).toEqual({
      withinDays: 30, points: 30, lots: [{ lotId: 'order:o-1', points: 30, expiresAt: '2025-02-01T10:00:00.000Z' }],
    });
  });

  it('counts a lot as expired at its expiry instant even before a tick records it, so it equals the view after the tick', () => {
    const asOf = '2025-02-01T10:00:00.000Z';
    const ticked = fold([...history, levt.expired({ points: 30 })]);
    expect(pointsView(state, asOf, RULES)).toEqual(pointsView(ticked, asOf, RULES));
    expect(pointsView(state, asOf, RULES).balance).toBe(30);
  });

  it('answers as of a past instant: lots not yet earned and spending not yet made are left out', () => {
    expect(pointsView(state, '2024-02-15T00:00:00Z', RULES)).toMatchObject({ balance: 50, lots: [{ lotId: 'order:o-1', remaining: 50 }] });
    expect(pointsView(state, '2024-03-15T00:00:00Z', RULES).balance).toBe(80);
    expect(pointsView(state, '2024-01-15T00:00:00Z', RULES)).toMatchObject({ balance: 0, lots: [] });
  });

  it('shows a negative balance from a clawback as a debt', () => {
    const inDebt = fold([evt.registered(), levt.clawedBack({ lots: [], points: 20, toDebt: 20 })]);
    expect(pointsView(inDebt, '2024-06-01T00:00:00Z', RULES)).toMatchObject({ balance: -20, outstanding: 0, debt: 20 });
  });
});

describe('the points history', () => {
  it('explains every movement: the rules and their version, the order or redemption behind it, the lots, the balance after', () => {
    const withRefund = fold([...history, evt.refunded(), levt.clawedBack({ lots: [{ lotId: 'order:o-1', points: 15 }] }), levt.adjusted({ points: 5 })]);
    expect(pointsHistory(withRefund).map(({ seq: _seq, ...entry }) => entry)).toEqual([
      {
        kind: 'earned', at: '2024-02-01T10:00:00.000Z', points: 50, rules: ['base', 'tier:standard'], rulesVersion: 'rules-1',
        lots: [{ lotId: 'order:o-1', points: 50 }], source: 'purchase', orderId: 'o-1', balanceAfter: 50,
      },
      {
        kind: 'earned', at: '2024-03-01T10:00:00.000Z', points: 30, rules: ['base', 'tier:standard'], rulesVersion: 'rules-1',
        lots: [{ lotId: 'order:o-2', points: 30 }], source: 'purchase', orderId: 'o-2', balanceAfter: 80,
      },
      {
        kind: 'redeemed', at: '2024-04-01T00:00:00.000Z', points: -20, rules: ['redemption'], rulesVersion: 'rules-1',
        lots: [{ lotId: 'order:o-1', points: 20 }], redemptionId: 'rd-1', rewardId: 'tote-bag', balanceAfter: 60,
      },
      {
        kind: 'clawed-back', at: '2024-02-05T10:00:00.000Z', points: -15, rules: ['clawback:proportional'], rulesVersion: 'rules-1',
        lots: [{ lotId: 'order:o-1', points: 15 }], orderId: 'o-1', refundId: 'r-1', balanceAfter: 45,
      },
      {
        kind: 'adjusted', at: '2024-06-01T12:00:00.000Z', points: 5, rules: ['adjustment:goodwill'], rulesVersion: 'rules-1',
        lots: [{ lotId: 'adjustment:adj-1', points: 5 }], adjustmentId: 'adj-1', reason: 'goodwill', actor: 'agent-7', balanceAfter: 50,
      },
    ]);
  });
});
