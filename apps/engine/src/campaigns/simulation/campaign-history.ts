import type { PurchaseRecorded } from '@lifecycle/domain';
import { type EventStore, readLogPages } from '@lifecycle/event-store';
import type { HistoricalPurchase } from '@lifecycle/sagas';

/**
 * Every customer's purchases from the log, in time order: what a campaign simulation replays.
 * Refunds are left out: a refunded purchase was still the customer coming back, which is what a
 * win-back campaign counts (the report's revenue is gross of them, and says so).
 */
export async function readCampaignHistory(eventStore: EventStore, options: { pageSize?: number } = {}): Promise<Map<string, HistoricalPurchase[]>> {
  const history = new Map<string, HistoricalPurchase[]>();
  for await (const page of readLogPages(eventStore, options)) {
    for (const e of page) {
      if (e.type !== 'PurchaseRecorded') continue;
      const d = e.data as PurchaseRecorded['data'];
      const purchases = history.get(d.customerId);
      const purchase = { orderId: d.orderId, at: new Date(Date.parse(d.occurredAt)).toISOString(), amount: d.amount };
      if (purchases) purchases.push(purchase);
      else history.set(d.customerId, [purchase]);
    }
  }
  for (const purchases of history.values()) purchases.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return history;
}
