import fc from 'fast-check';
import { DomainError } from '../shared/domain-error';
import { decide } from '../customer/customer.decide';
import type { CustomerCommand } from '../customer/customer.commands';
import { type CustomerState, evolve, initialState } from '../customer/customer.state';
import { levt, LOYAL, RULES } from '../testing/loyalty-fixtures';
import { evt } from '../testing/customer-fixtures';
import { pointsLiability, sumLiability } from './liability';

const fold = (events: Parameters<typeof evolve>[1][]) => events.reduce(evolve, initialState());

describe('the points liability', () => {
  it('sums the balances per currency and values them at the configured rate', () => {
    const eur = fold([evt.registered(), evt.purchased(), levt.earned({ points: 1234 })]);
    const jpy = fold([{ ...evt.registered(), data: { ...evt.registered().data, customerId: 'c-ken' } },
      { ...evt.purchased({ currency: 'JPY', amount: 100_000 }), data: { ...evt.purchased({ currency: 'JPY', amount: 100_000 }).data, customerId: 'c-ken' } },
      { ...levt.earned({ points: 1000 }), data: { ...levt.earned({ points: 1000 }).data, customerId: 'c-ken' } }]);
    const referrerWithoutPurchase = fold([evt.registered(), levt.adjusted({ points: 66 })]);
    const inDebt = fold([evt.registered(), evt.purchased(), levt.clawedBack({ lots: [], points: 20, toDebt: 20 })]);
    expect(pointsLiability([eur, jpy, referrerWithoutPurchase, inDebt, initialState()], '2024-06-01T12:00:00Z', RULES)).toEqual({
      asOf: '2024-06-01T12:00:00.000Z',
      rulesVersion: 'rules-1',
      currencies: [
        // 1234 + 66 - 20 = 1280 points at 1 cent each
        { currency: 'EUR', customers: 3, outstanding: 1300, debt: 20, points: 1280, value: 1280 },
        { currency: 'JPY', customers: 1, outstanding: 1000, debt: 0, points: 1000, value: 1000 },
      ],
    });
  });

  it('values a fraction of a minor unit by truncating', () => {
    const rules = { ...RULES, currencies: { ...RULES.currencies, EUR: { ...RULES.currencies.EUR!, pointValue: { points: 3, minorUnits: 1 } } } };
    expect(sumLiability([{ currency: 'EUR', outstanding: 100, debt: 0, balance: 100 }], '2024-06-01T12:00:00Z', rules).currencies[0]!.value).toBe(33);
  });

  it('reconciles exactly with the sum of all customers ledger balances once the clock has ticked', () => {
    const customer = fc.integer({ min: 1, max: 5 }).map((n) => `c-${n}`);
    const dayIn = (from: number, to: number) =>
      fc.integer({ min: from, max: to }).map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString());
    const day = dayIn(0, 700);
    const command: fc.Arbitrary<CustomerCommand> = fc.oneof(
      fc.record({ customerId: customer, orderId: fc.constantFrom('o-1', 'o-2', 'o-3'), amount: fc.integer({ min: 0, max: 90_000 }), occurredAt: day, currency: fc.constantFrom('EUR', 'JPY') })
        .map((d): CustomerCommand => ({ type: 'RecordPurchase', data: d })),
      fc.record({ customerId: customer, refundId: fc.constantFrom('r-1', 'r-2'), orderId: fc.constantFrom('o-1', 'o-2'), amount: fc.integer({ min: 1, max: 50_000 }), occurredAt: day })
        .map((d): CustomerCommand => ({ type: 'RefundPurchase', data: d })),
      fc.record({ customerId: customer, redemptionId: fc.constantFrom('rd-1', 'rd-2'), points: fc.integer({ min: 1, max: 400 }), occurredAt: day })
        .map((d): CustomerCommand => ({ type: 'RedeemPoints', data: { ...d, rewardId: 'gift' } })),
      fc.record({ customerId: customer, asOf: day }).map((d): CustomerCommand => ({ type: 'ExpirePoints', data: d })),
    );
    const run = (state: CustomerState, c: CustomerCommand) => {
      try {
        return decide(c, state, LOYAL).reduce(evolve, state);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return state;
      }
    };
    // Every instant in the histories comes before asOf, so the ticked ledger is the truth at asOf.
    fc.assert(fc.property(fc.array(command, { maxLength: 40 }), dayIn(701, 1200), (commands, asOf) => {
      const states = new Map<string, CustomerState>();
      for (const c of commands) states.set(c.data.customerId, run(states.get(c.data.customerId) ?? initialState(), c));
      const liability = pointsLiability(states.values(), asOf, RULES);
      const ticked = [...states.entries()].map(([customerId, s]) => run(s, { type: 'ExpirePoints', data: { customerId, asOf } }));
      for (const currency of ['EUR', 'JPY']) {
        const ledgers = ticked.filter((s) => (s.currency ?? RULES.defaultCurrency) === currency).map((s) => s.loyalty.ledger);
        const line = liability.currencies.find((l) => l.currency === currency);
        expect(line?.points ?? 0).toBe(ledgers.reduce((sum, l) => sum + l.balance, 0));
        expect(line?.debt ?? 0).toBe(ledgers.reduce((sum, l) => sum + l.debt, 0));
        if (line) expect(line.value).toBe(Math.trunc((line.points * RULES.currencies[currency]!.pointValue.minorUnits) / RULES.currencies[currency]!.pointValue.points));
      }
    }), { numRuns: 60 });
  });
});
