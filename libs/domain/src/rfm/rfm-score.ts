import { matchSegment, type RfmDefinition, type ValueGroup, type ValueGroupRule } from './rfm-definition';

/**
 * RFM scoring, the reference rule (issue 5): for a measure where more is better,
 *   score = floor(bins * (r - 1) / n) + 1,
 * r the measure's RANK() in ascending order (ties share the lowest rank) and n the number of scored
 * customers. Recency ranks by days descending, so the most recent get the top score. The read model
 * computes the same in one SQL statement; the specs hold the two equal.
 */

const DAY_MS = 86_400_000;

/** What the log says about one order, as RFM needs it. Amounts are integer minor units. */
export interface PurchaseFact {
  readonly customerId: string;
  readonly orderId: string;
  readonly occurredAt: number; // epoch ms
  readonly amount: number;
}

export interface RefundFact {
  readonly customerId: string;
  readonly occurredAt: number; // epoch ms
  readonly amount: number;
}

export interface RfmMeasures {
  readonly customerId: string;
  /** Whole days from the last purchase in the window to the as-of instant (rounded down). */
  readonly recencyDays: number;
  /** Distinct orders in the window. */
  readonly frequency: number;
  /** Purchases minus refunds in the window, minor units. */
  readonly monetary: number;
}

export interface RfmScores {
  readonly r: number;
  readonly f: number;
  readonly m: number;
}

export interface RfmScored extends RfmMeasures, RfmScores {
  readonly segment: string;
  readonly valueGroup: ValueGroup;
}

/**
 * Measures as of an instant over the window (asOf - windowDays, asOf]. A customer is scored only with
 * a purchase in the window. A refund counts by its own time: it lowers monetary in the window it was
 * made in, whatever the time of the order it refunds, as the ledger records it.
 */
export function rfmMeasures(
  purchases: readonly PurchaseFact[],
  refunds: readonly RefundFact[],
  asOf: number,
  windowDays: number,
): RfmMeasures[] {
  const from = asOf - windowDays * DAY_MS;
  const inWindow = (t: number) => t > from && t <= asOf;
  const byCustomer = new Map<string, { last: number; orders: Set<string>; monetary: number }>();
  for (const p of purchases) {
    if (!inWindow(p.occurredAt)) continue;
    const c = byCustomer.get(p.customerId) ?? { last: -Infinity, orders: new Set<string>(), monetary: 0 };
    c.last = Math.max(c.last, p.occurredAt);
    c.orders.add(p.orderId);
    c.monetary += p.amount;
    byCustomer.set(p.customerId, c);
  }
  for (const refund of refunds) {
    const c = byCustomer.get(refund.customerId);
    if (c && inWindow(refund.occurredAt)) c.monetary -= refund.amount;
  }
  return [...byCustomer].map(([customerId, c]) => ({
    customerId,
    recencyDays: Math.floor((asOf - c.last) / DAY_MS),
    frequency: c.orders.size,
    monetary: c.monetary,
  }));
}

/**
 * Scores for values where more is better: RANK() ascending (ties share the lowest rank), then
 * floor(bins * (rank - 1) / n) + 1. Returned in the order given.
 */
export function scoreByRank(values: readonly number[], bins: number): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const rankOf = new Map<number, number>();
  sorted.forEach((value, i) => {
    if (!rankOf.has(value)) rankOf.set(value, i + 1);
  });
  return values.map((value) => Math.floor((bins * (rankOf.get(value)! - 1)) / n) + 1);
}

/** The group of a score under the rule's thresholds: at least `high` is high, at least `mid` mid, else low. */
export function valueGroupOfScore(score: number, rule: Pick<ValueGroupRule, 'high' | 'mid'>): ValueGroup {
  return score >= rule.high ? 'high' : score >= rule.mid ? 'mid' : 'low';
}

/**
 * The monetary group: by the M score. It is what the snapshot stores under every rule, and the
 * group a `by: clv` rule falls back to for a customer without a CLV.
 */
export function valueGroupOf(scores: RfmScores, rule: ValueGroupRule): ValueGroup {
  return valueGroupOfScore(scores.m, rule);
}

export interface ClvValueGroup {
  readonly customerId: string;
  readonly clv: number;
  /** 1..bins: the same rank rule as R, F and M, over the predicted CLV. */
  readonly score: number;
  readonly valueGroup: ValueGroup;
}

/**
 * The value groups of a `by: clv` rule: each customer's CLV score by the rank rule (RANK() ascending
 * over the CLVs given, ties share the lowest rank, n = the customers given), then the rule's
 * thresholds. The caller gives the scored customers that have a finite CLV; the others keep their
 * monetary group. Returned in the order given.
 */
export function clvValueGroups(customers: readonly { readonly customerId: string; readonly clv: number }[], definition: Pick<RfmDefinition, 'bins' | 'valueGroups'>): ClvValueGroup[] {
  for (const c of customers) if (!Number.isFinite(c.clv)) throw new RangeError(`clv of ${c.customerId} is not a finite number (${c.clv})`);
  const scores = scoreByRank(customers.map((c) => c.clv), definition.bins);
  return customers.map((c, i) => ({ customerId: c.customerId, clv: c.clv, score: scores[i]!, valueGroup: valueGroupOfScore(scores[i]!, definition.valueGroups) }));
}

/** Scores, segment and value group for a whole population as of one instant. */
export function scoreRfm(population: readonly RfmMeasures[], definition: RfmDefinition): RfmScored[] {
  const { bins } = definition;
  // Fewer days is better: rank the negated days ascending, i.e. the days descending.
  const r = scoreByRank(population.map((c) => -c.recencyDays), bins);
  const f = scoreByRank(population.map((c) => c.frequency), bins);
  const m = scoreByRank(population.map((c) => c.monetary), bins);
  return population.map((c, i) => {
    const scores = { r: r[i]!, f: f[i]!, m: m[i]! };
    return { ...c, ...scores, segment: matchSegment(definition.segments, scores)!, valueGroup: valueGroupOf(scores, definition.valueGroups) };
  });
}
