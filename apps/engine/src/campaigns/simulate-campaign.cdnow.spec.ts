import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type HistoricalPurchase, holdoutPoint, simulateCampaign } from '@lifecycle/sagas';
import { sharedDataFile } from '@lifecycle/testing';
import { cdnowCustomerEvents } from '@lifecycle/projections/testing/cdnow-log';
import { parseCampaignDefinition } from './campaign-definition.dto';

// The real history: CDNOW_master.txt (69,659 purchases by 23,570 customers, 1997-01 to 1998-06;
// source in ../shared/data/SOURCES.md), each line a purchase as the engine records it.
function cdnowHistory(): Map<string, HistoricalPurchase[]> {
  const history = new Map<string, HistoricalPurchase[]>();
  for (const [customerId, events] of cdnowCustomerEvents(sharedDataFile('CDNOW_master.txt'))) {
    const purchases: HistoricalPurchase[] = [];
    for (const e of events) if (e.type === 'PurchaseRecorded') purchases.push({ orderId: e.data.orderId, at: e.data.occurredAt, amount: e.data.amount });
    history.set(customerId, purchases);
  }
  return history;
}

const example = parseCampaignDefinition(parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'examples', 'campaigns', 'winback.yaml'), 'utf8')));
const window = { from: '1997-06-01', to: '1998-06-30' };

describe('campaign simulation over CDNOW_master (examples/campaigns/winback.yaml, 1997-06-01 to 1998-06-30)', () => {
  const history = cdnowHistory();

  it('A/A: nothing is done to anyone, so the uplift\'s 95% confidence interval contains zero', () => {
    const { report, actionsSent, purchasesAdded } = simulateCampaign({ campaignId: 'aa', definition: example, history, ...window });
    expect(purchasesAdded).toBe(0);
    // Thousands go dormant in the period: the test is not vacuous.
    expect(report.overall.treated.customers).toBeGreaterThan(5_000);
    expect(report.overall.control.customers).toBeGreaterThan(500);
    expect(actionsSent).toBeGreaterThan(report.overall.treated.customers);
    const [lower, upper] = report.overall.interval!;
    expect(lower).toBeLessThan(0);
    expect(upper).toBeGreaterThan(0);
    for (const stage of report.stages) {
      if (stage.interval) expect([stage.interval[0] <= 0, stage.interval[1] >= 0]).toEqual([true, true]);
    }
    // Coupons issued but none redeemed (the history is untouched): the campaign only cost money.
    expect(report.coupons.redeemed).toBe(0);
    expect(report.roi).toBeLessThan(0);
  });

  it('known effect: with extra purchases injected for a known share of the treated, the interval contains the true uplift', () => {
    const share = 0.3;
    // A deterministic 30% of treated customers buy (40 USD) two days after the first message.
    const effect = (action: { campaignId: string; customerId: string; stage: number; at: string; episode: number }): HistoricalPurchase | undefined =>
      action.stage === 1 && holdoutPoint('effect', `${action.customerId}:${action.episode}`) < share
        ? { orderId: `injected-${action.customerId}-${action.episode}`, at: new Date(Date.parse(action.at) + 2 * 86_400_000).toISOString(), amount: 4000 }
        : undefined;
    const baseline = simulateCampaign({ campaignId: 'effect', definition: example, history, ...window });
    const treatedRun = simulateCampaign({ campaignId: 'effect', definition: example, history, ...window, effect });
    expect(treatedRun.purchasesAdded).toBeGreaterThan(1_000);
    // The true effect on these treated customers: their reactivation with the injection minus without it
    // (the control is untouched, and the same customers are enrolled in both runs).
    const t = treatedRun.report.overall.treated;
    expect(t.customers).toBe(baseline.report.overall.treated.customers);
    const trueUplift = t.rate - baseline.report.overall.treated.rate;
    expect(trueUplift).toBeGreaterThan(0.1);
    const [lower, upper] = treatedRun.report.overall.interval!;
    expect(lower).toBeLessThanOrEqual(trueUplift);
    expect(upper).toBeGreaterThanOrEqual(trueUplift);
    // And the interval excludes zero: the measurement sees an effect of this size.
    expect(lower).toBeGreaterThan(0);
    expect(treatedRun.report.revenue.incremental).toBeGreaterThan(0);
  });
});
