import fc from 'fast-check';
import type { PurchaseRecorded } from '../customer/customer.events';
import { RULES } from '../testing/loyalty-fixtures';
import type { BonusRule, LoyaltyRules } from './loyalty-rules';
import { purchasePoints } from './points.decide';

// Earning without item bonuses is computed in plain numbers while that is exact; it must floor
// exactly like the integer arithmetic in BigInt it stands in for, up to amounts past 2^53 / rates.
const rate = fc.integer({ min: 1, max: 1000 }).map((h) => h / 100);

describe('purchasePoints without item bonuses', () => {
  it('floors amount x rate x multipliers / minor units exactly, small amounts and huge', () => {
    fc.assert(fc.property(
      fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.maxSafeNat()), rate, rate, fc.array(rate, { maxLength: 3 }), fc.constantFrom(1, 100, 1000),
      (amount, pointsPerUnit, multiplier, bonusRates, minorUnitsPerUnit) => {
        const bonuses: BonusRule[] = bonusRates.map((m, i) => ({ id: `b${i}`, multiplier: m }));
        const rules: LoyaltyRules = {
          ...RULES, bonuses, currencies: { XTS: { minorUnitsPerUnit, pointsPerUnit, pointValue: { points: 100, minorUnits: 100 } } },
          tiers: RULES.tiers.map((t, i) => (i === 0 ? { ...t, pointsMultiplier: multiplier } : t)),
        };
        const purchase: PurchaseRecorded['data'] = { customerId: 'c', orderId: 'o', amount, currency: 'XTS', occurredAt: '2024-02-01T10:00:00.000Z' };
        const h = (x: number) => BigInt(Math.round(x * 100));
        const exact = bonusRates.reduce((n, m) => n * h(m), BigInt(amount) * h(pointsPerUnit) * h(multiplier))
          / (BigInt(minorUnitsPerUnit) * 10_000n * 100n ** BigInt(bonusRates.length));
        expect(purchasePoints(purchase, undefined, rules)!.points).toBe(Number(exact));
      },
    ), { numRuns: 3000 });
  });
});
