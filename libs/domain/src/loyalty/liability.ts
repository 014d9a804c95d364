import { canonicalInstant } from '../shared/instant';
import type { CustomerState } from '../customer/customer.state';
import type { LoyaltyRules } from './loyalty-rules';
import { pointsView, requireAsOf } from './points.views';

/**
 * Points liability: the points customers hold, per currency, and what they are worth at the rules'
 * point value. Built from each customer's balance as of the same instant, so it reconciles exactly
 * with the sum of the balances. A negative balance (a clawback's debt) counts against it.
 */
export interface LiabilityContribution {
  readonly currency: string;
  readonly outstanding: number;
  readonly debt: number;
  readonly balance: number;
}

export interface CurrencyLiability {
  readonly currency: string;
  /** Customers with a non-zero balance. */
  readonly customers: number;
  readonly outstanding: number;
  readonly debt: number;
  /** outstanding - debt = the sum of the customers' balances. */
  readonly points: number;
  /** Minor units: points x pointValue, truncated toward zero; absent when the rules do not value this currency. */
  readonly value?: number;
}

export interface PointsLiability {
  readonly asOf: string;
  readonly rulesVersion: string;
  readonly currencies: readonly CurrencyLiability[];
}

/** One customer's share; the engine can stream these instead of holding every state. */
export const liabilityContribution = (state: CustomerState, asOf: string, rules: LoyaltyRules): LiabilityContribution => {
  const view = pointsView(state, asOf, rules);
  return { currency: view.currency, outstanding: view.outstanding, debt: view.debt, balance: view.balance };
};

export const sumLiability = (contributions: Iterable<LiabilityContribution>, asOf: string, rules: LoyaltyRules): PointsLiability => {
  const byCurrency = new Map<string, { customers: number; outstanding: number; debt: number; points: number }>();
  for (const c of contributions) {
    const sum = byCurrency.get(c.currency) ?? { customers: 0, outstanding: 0, debt: 0, points: 0 };
    byCurrency.set(c.currency, {
      customers: sum.customers + (c.balance !== 0 ? 1 : 0), outstanding: sum.outstanding + c.outstanding, debt: sum.debt + c.debt,
      points: sum.points + c.balance,
    });
  }
  const currencies = [...byCurrency.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, sum]): CurrencyLiability => {
    const rate = rules.currencies[currency]?.pointValue;
    const value = rate && rate.points > 0 ? Number((BigInt(sum.points) * BigInt(rate.minorUnits)) / BigInt(rate.points)) : undefined;
    return value === undefined ? { currency, ...sum } : { currency, ...sum, value };
  });
  return { asOf: canonicalInstant(requireAsOf(asOf)), rulesVersion: rules.version, currencies };
};

export const pointsLiability = (states: Iterable<CustomerState>, asOf: string, rules: LoyaltyRules): PointsLiability => {
  const contributions: LiabilityContribution[] = [];
  for (const state of states) contributions.push(liabilityContribution(state, asOf, rules));
  return sumLiability(contributions, asOf, rules);
};
