import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseRfmDefinition, type PurchaseFact, type RfmDefinition, rfmMeasures, scoreRfm, type ValueGroup } from '@lifecycle/domain';
import type { HistoricalPurchase } from '@lifecycle/sagas';

/** The served RFM rules: the rfm projection's shipped definition. */
export const defaultRfmDefinition = (): RfmDefinition =>
  parseRfmDefinition(parse(readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'projections', 'rfm', 'rfm.definition.yaml'), 'utf8')));

/**
 * Segment and value group of a customer at an instant, for a simulation: RFM scored by the domain's
 * rule over the whole population on the first day of each month (as the projection's dated snapshots
 * do), and a signal reads the last snapshot at or before it. Monthly keeps a 13-month simulation to
 * 13 scorings of the population instead of one per enrolment.
 */
export function monthlyRfmDescriber(
  history: ReadonlyMap<string, readonly HistoricalPurchase[]>, from: string, to: string, definition: RfmDefinition = defaultRfmDefinition(),
): (customerId: string, at: string) => { segment?: string; valueGroup?: ValueGroup } | undefined {
  const purchases: PurchaseFact[] = [];
  for (const [customerId, list] of history) for (const p of list) purchases.push({ customerId, orderId: p.orderId, occurredAt: Date.parse(p.at), amount: p.amount });
  const snapshots: { at: string; byCustomer: Map<string, { segment: string; valueGroup: ValueGroup }> }[] = [];
  const start = new Date(from);
  for (let month = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1); new Date(month).toISOString() <= to; ) {
    const scored = scoreRfm(rfmMeasures(purchases, [], month, definition.windowDays), definition);
    snapshots.push({ at: new Date(month).toISOString(), byCustomer: new Map(scored.map((c) => [c.customerId, { segment: c.segment, valueGroup: c.valueGroup }])) });
    const d = new Date(month);
    month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return (customerId, at) => {
    let snapshot;
    for (const s of snapshots) if (s.at <= at) snapshot = s;
    return snapshot?.byCustomer.get(customerId);
  };
}
