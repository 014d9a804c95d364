import {
  advanceLifecycle, canonicalInstant, DEFAULT_LIFECYCLE_THRESHOLDS, evolveLifecycle, initialLifecycleState, type LifecycleThresholds, parseInstant, type PurchaseRecorded,
} from '@lifecycle/domain';
import type { CampaignDefinition, CustomerSignal, ValueGroup } from '../campaign/campaign-definition';
import { type CampaignReport, campaignReport, episodesOf } from '../measurement/campaign-report';
import { initialWinbackState, reactWinback, type WinbackInput, type WinbackState, evolveWinback } from '../winback/winback.saga';
import type { WinbackEvent, WinbackStageReached } from '../winback/winback.events';

const DAY_MS = 86_400_000;

export interface HistoricalPurchase {
  readonly orderId: string;
  readonly at: string;
  readonly amount: number;
}

export interface SimulationInput {
  readonly campaignId: string;
  readonly definition: CampaignDefinition;
  /** Every customer's purchases in time order (the stored history: the engine reads it from the log). */
  readonly history: ReadonlyMap<string, readonly HistoricalPurchase[]>;
  readonly from: string;
  readonly to: string;
  readonly thresholds?: LifecycleThresholds;
  /** The customer's RFM segment and value group at an instant (for eligibility, gifts and the report). */
  readonly describe?: (customerId: string, at: string) => { readonly segment?: string; readonly valueGroup?: ValueGroup } | undefined;
  /**
   * A known effect, for proving the measurement: called when an action is delivered; a purchase it
   * returns is added to that customer's history. Nothing is ever added for the control group.
   */
  readonly effect?: (action: WinbackStageReached['data']) => HistoricalPurchase | undefined;
}

export interface SimulationResult {
  readonly report: CampaignReport;
  /** Every saga event the campaign would have recorded, per stream in order. */
  readonly events: readonly WinbackEvent[];
  /** Actions that would have gone out (into the void). */
  readonly actionsSent: number;
  readonly purchasesAdded: number;
}

/** `order` breaks ties at one instant: purchases (0) before signals and timers (1). */
interface Item {
  readonly at: string;
  readonly order: 0 | 1;
  readonly customerId: string;
  readonly input: WinbackInput;
}

/**
 * Runs a campaign over stored history on the history's own clock: lifecycle signals come from the
 * customers' purchases through the same pure lifecycle rules the engine projects with, timers fire
 * when the history's time reaches them, purchases convert, and actions go nowhere. The sagas are the
 * live ones (`reactWinback`), so the report is what the campaign would have measured.
 *
 * Within a day, purchases come before signals and timers at the same instant: a customer who buys
 * on the day he would have been contacted is not contacted.
 */
export function simulateCampaign(input: SimulationInput): SimulationResult {
  const { campaignId, definition } = input;
  const thresholds = input.thresholds ?? DEFAULT_LIFECYCLE_THRESHOLDS;
  const from = canonicalInstant(parseInstant(input.from)!);
  const to = canonicalInstant(parseInstant(input.to)!);
  const eligibility = definition.eligibility;
  if (eligibility.churnWarning || eligibility.tiers || eligibility.pAliveBelow !== undefined) {
    throw new SimulationNotSupportedError('simulate enrols on lifecycle stages, segments and value groups; churn warnings, tiers and P(alive) are not simulated yet');
  }

  const history = new Map<string, HistoricalPurchase[]>();
  for (const [customerId, purchases] of input.history) history.set(customerId, [...purchases]);

  // The queue: per day, what happens that day. Timers set while a day runs may land on the same day.
  const days = new Map<number, Item[]>();
  const dayOf = (at: string) => Math.floor(parseInstant(at)! / DAY_MS);
  const schedule = (item: Item) => {
    const d = dayOf(item.at);
    const list = days.get(d);
    if (list) list.push(item);
    else days.set(d, [item]);
  };

  for (const [customerId, purchases] of history) {
    for (const p of purchases) if (p.at >= from && p.at <= to) schedule({ at: p.at, order: 0, customerId, input: purchaseInput(p) });
    for (const signal of stageSignals(customerId, purchases, thresholds, to)) {
      if (signal.at < from || signal.at > to) continue;
      const facts = input.describe?.(customerId, signal.at);
      const data: CustomerSignal = { ...signal, ...(facts?.segment && { segment: facts.segment }), ...(facts?.valueGroup && { valueGroup: facts.valueGroup }) };
      schedule({ at: signal.at, order: 1, customerId, input: { type: 'CustomerSignalled', data } });
    }
  }

  const states = new Map<string, WinbackState>();
  const events: WinbackEvent[] = [];
  let spent = 0;
  let actionsSent = 0;
  let purchasesAdded = 0;
  const firstDay = dayOf(from);
  const lastDay = dayOf(to);
  for (let day = firstDay; day <= lastDay; day++) {
    const items = days.get(day);
    if (!items) continue;
    let sortedLength = 0;
    for (let i = 0; i < items.length; i++) {
      // Timers set today join today's list: keep what is left in time order, purchases first at one instant.
      if (items.length !== sortedLength) {
        sortTail(items, i);
        sortedLength = items.length;
      }
      const item = items[i]!;
      const state = states.get(item.customerId) ?? initialWinbackState();
      const reaction = reactWinback(state, item.input, {
        campaignId, definition, ...(definition.budgetCap !== undefined && { budgetRemaining: definition.budgetCap - spent }),
      });
      let next = state;
      for (const e of reaction.events) {
        next = evolveWinback(next, e);
        events.push(e);
        if (e.type === 'WinbackTimerSet' && e.data.dueAt <= to) {
          schedule({ at: e.data.dueAt, order: 1, customerId: item.customerId, input: { type: 'TimerFired', data: { timerId: e.data.timerId, at: e.data.dueAt } } });
        }
        if (e.type === 'WinbackStageReached' && e.data.delivered) {
          spent += e.data.cost;
          actionsSent++;
          const extra = input.effect?.(e.data);
          if (extra) {
            purchasesAdded++;
            history.get(item.customerId)!.push(extra);
            if (extra.at <= to) schedule({ at: extra.at, order: 0, customerId: item.customerId, input: purchaseInput(extra) });
          }
        }
      }
      states.set(item.customerId, next);
    }
  }

  for (const purchases of history.values()) purchases.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const report = campaignReport({
    campaignId, definition, episodes: episodesOf(events),
    revenueBetween: (customerId, start, end) => sumAmounts(history.get(customerId) ?? [], start, end < to ? end : to),
    ...(input.describe && { segmentOf: (customerId: string, at: string) => input.describe!(customerId, at)?.segment }),
  });
  return { report, events, actionsSent, purchasesAdded };
}

export class SimulationNotSupportedError extends Error {
  readonly code = 'CAMPAIGN.SIMULATION_NOT_SUPPORTED';
}

const purchaseInput = (p: HistoricalPurchase): WinbackInput => ({ type: 'CustomerPurchased', data: { orderId: p.orderId, amount: p.amount, at: p.at } });

function sortTail(items: Item[], start: number): void {
  const tail = items.slice(start).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  items.splice(start, tail.length, ...tail);
}

/** Every stage a customer enters up to `until`, from its purchases alone, by the engine's lifecycle rules. */
export function stageSignals(customerId: string, purchases: readonly HistoricalPurchase[], thresholds: LifecycleThresholds, until: string): CustomerSignal[] {
  let state = initialLifecycleState(customerId);
  const signals: CustomerSignal[] = [];
  const collect = (transitions: readonly { to: string; at: string }[]) => {
    for (const t of transitions) {
      if (t.to === 'new' || t.to === 'active' || t.to === 'dormant' || t.to === 'lost') signals.push({ customerId, at: t.at, enteredStage: t.to });
    }
  };
  for (const p of purchases) {
    if (p.at > until) break;
    const purchase: PurchaseRecorded = { type: 'PurchaseRecorded', data: { customerId, orderId: p.orderId, amount: p.amount, currency: 'XXX', occurredAt: p.at } };
    const step = evolveLifecycle(state, purchase, thresholds);
    state = step.state;
    collect(step.transitions);
  }
  collect(advanceLifecycle(state, until, thresholds).transitions);
  return signals;
}

function sumAmounts(purchases: readonly HistoricalPurchase[], from: string, to: string): number {
  let total = 0;
  for (const p of purchases) if (p.at >= from && p.at < to) total += p.amount;
  return total;
}
