import { holdoutGroup } from '../holdout/holdout';
import { threeStageDefinition as definition } from '../testing/winback-fixtures';
import type { WinbackEvent } from './winback.events';
import { evolveWinback, initialWinbackState, reactWinback, type WinbackContext, type WinbackInput, type WinbackReaction } from './winback.saga';

const campaignId = 'spring';
const context: WinbackContext = { campaignId, definition };

// Ids whose holdout group is known, found once from the hash itself (not hard-coded).
const ids = Array.from({ length: 200 }, (_, i) => `c${i}`);
const treatedId = ids.find((id) => holdoutGroup(campaignId, id, definition.holdoutShare) === 'treated')!;
const controlId = ids.find((id) => holdoutGroup(campaignId, id, definition.holdoutShare) === 'control')!;

/** Given saga events, when an input arrives, then these events and commands: a process manager's given/when/then. */
const given = (history: readonly WinbackEvent[]) => ({
  when: (input: WinbackInput, ctx: WinbackContext = context): WinbackReaction => {
    const state = history.reduce(evolveWinback, initialWinbackState());
    const reaction = reactWinback(state, input, ctx);
    reaction.events.reduce(evolveWinback, state); // what it decides folds back
    return reaction;
  },
});

/** Runs inputs one after the other from the start, returning every event. */
const run = (inputs: readonly WinbackInput[], ctx: WinbackContext = context): { events: WinbackEvent[]; reactions: WinbackReaction[] } => {
  let state = initialWinbackState();
  const events: WinbackEvent[] = [];
  const reactions: WinbackReaction[] = [];
  for (const input of inputs) {
    const r = reactWinback(state, input, ctx);
    reactions.push(r);
    for (const e of r.events) {
      state = evolveWinback(state, e);
      events.push(e);
    }
  }
  return { events, reactions };
};

const dormant = (customerId: string, at = '1997-06-01T00:00:00.000Z', extra: object = {}): WinbackInput => ({
  type: 'CustomerSignalled', data: { customerId, at, enteredStage: 'dormant', ...extra },
});
const fire = (timerId: string, at: string): WinbackInput => ({ type: 'TimerFired', data: { timerId, at } });
const purchase = (at: string, amount = 4000): WinbackInput => ({ type: 'CustomerPurchased', data: { orderId: `o-${at}`, amount, at } });

describe('win-back saga', () => {
  it('enrols an eligible customer with its holdout group, the window-end timer and the first stage timer', () => {
    const { events } = given([]).when(dormant(treatedId));
    expect(events).toEqual([
      { type: 'WinbackEnrolled', data: { campaignId, customerId: treatedId, episode: 1, group: 'treated', at: '1997-06-01T00:00:00.000Z', reason: 'entered dormant', windowEndsAt: '1997-07-31T00:00:00.000Z' } },
      { type: 'WinbackTimerSet', data: { campaignId, customerId: treatedId, episode: 1, timerId: '1:window-end', dueAt: '1997-07-31T00:00:00.000Z', purpose: 'window-end' } },
      { type: 'WinbackTimerSet', data: { campaignId, customerId: treatedId, episode: 1, timerId: '1:stage:1', dueAt: '1997-06-01T00:00:00.000Z', purpose: 'stage', stage: 1 } },
    ]);
  });

  it('does not enrol on another stage, nor an erased customer', () => {
    expect(given([]).when({ type: 'CustomerSignalled', data: { customerId: treatedId, at: '1997-06-01T00:00:00.000Z', enteredStage: 'lost' } }).events).toEqual([]);
    expect(given([]).when(dormant(treatedId, undefined, { erased: true })).events).toEqual([]);
  });

  it('sends the first action with its coupon to the treated: one dispatch and one IssueCoupon with the same id', () => {
    const { events } = run([dormant(treatedId)]);
    const r = given(events).when(fire('1:stage:1', '1997-06-01T00:00:00.000Z'));
    const actionId = `wb:${campaignId}:${treatedId}:1:1`;
    expect(r.events[0]).toMatchObject({ type: 'WinbackStageReached', data: { stage: 1, delivered: true, cost: 5, actionId, couponId: actionId } });
    expect(r.events[1]).toMatchObject({ type: 'WinbackTimerSet', data: { timerId: '1:stage:2', dueAt: '1997-06-15T00:00:00.000Z' } });
    expect(r.commands.map((c) => c.type)).toEqual(['DispatchWinbackAction', 'IssueCoupon']);
    expect(r.commands[1]).toEqual({
      type: 'IssueCoupon',
      data: { customerId: treatedId, couponId: actionId, offer: { kind: 'amount-off', amountOff: 500, minSpend: 2000, currency: 'USD' }, validFrom: '1997-06-01T00:00:00.000Z', validTo: '1997-07-01T00:00:00.000Z', reason: 'campaign' },
    });
  });

  it('tracks the control exactly like the treated but sends nothing ("would have been contacted")', () => {
    const { events } = run([dormant(controlId)]);
    const r = given(events).when(fire('1:stage:1', '1997-06-01T00:00:00.000Z'));
    expect(r.events[0]).toMatchObject({ type: 'WinbackStageReached', data: { stage: 1, delivered: false, skipped: 'control-group', cost: 0, at: '1997-06-01T00:00:00.000Z' } });
    expect(r.events[1]).toMatchObject({ type: 'WinbackTimerSet', data: { timerId: '1:stage:2' } });
    expect(r.commands).toEqual([]);
  });

  it('fires a timer once: a second firing of the same timer decides nothing', () => {
    const { events } = run([dormant(treatedId), fire('1:stage:1', '1997-06-01T00:00:00.000Z')]);
    expect(given(events).when(fire('1:stage:1', '1997-06-01T00:05:00.000Z'))).toEqual({ events: [], commands: [] });
  });

  it('decides the same action id again from the same state: a re-run after a crash re-sends the same key', () => {
    const { events } = run([dormant(treatedId)]);
    const a = given(events).when(fire('1:stage:1', '1997-06-01T00:00:00.000Z'));
    const b = given(events).when(fire('1:stage:1', '1997-06-01T00:00:00.000Z'));
    expect(b).toEqual(a);
  });

  it('gives the gift to the high-value group only', () => {
    const at = (d: string) => `1997-${d}T00:00:00.000Z`;
    const through = (valueGroup?: 'high' | 'low') => run([
      dormant(treatedId, at('06-01'), valueGroup ? { valueGroup } : {}),
      fire('1:stage:1', at('06-01')), fire('1:stage:2', at('06-15')), fire('1:stage:3', at('07-01')),
    ]).events.filter((e) => e.type === 'WinbackStageReached' && e.data.stage === 3);
    expect(through('high')[0]).toMatchObject({ data: { delivered: true, cost: 1500 } });
    expect(through('low')[0]).toMatchObject({ data: { delivered: false, skipped: 'not-high-value', cost: 0 } });
    expect(through()[0]).toMatchObject({ data: { delivered: false, skipped: 'not-high-value' } });
  });

  it('skips an action the remaining budget cannot pay, and says so', () => {
    const { events } = run([dormant(treatedId)]);
    const r = given(events).when(fire('1:stage:1', '1997-06-01T00:00:00.000Z'), { ...context, budgetRemaining: 4 });
    expect(r.events[0]).toMatchObject({ data: { delivered: false, skipped: 'budget-spent', cost: 0 } });
    expect(r.commands).toEqual([]);
  });

  it('stops at once on a purchase: converted, with the stage that preceded it; no timer fires afterwards', () => {
    const { events } = run([dormant(treatedId), fire('1:stage:1', '1997-06-01T00:00:00.000Z')]);
    const r = given(events).when(purchase('1997-06-10T12:00:00.000Z'));
    expect(r.events).toEqual([
      { type: 'WinbackConverted', data: { campaignId, customerId: treatedId, episode: 1, orderId: 'o-1997-06-10T12:00:00.000Z', amount: 4000, at: '1997-06-10T12:00:00.000Z', afterStage: 1 } },
    ]);
    expect(given([...events, ...r.events]).when(fire('1:stage:2', '1997-06-15T00:00:00.000Z')).events).toEqual([]);
    expect(given([...events, ...r.events]).when(fire('1:window-end', '1997-07-31T00:00:00.000Z')).events).toEqual([]);
  });

  it('ends exhausted when the window closes without a purchase; a later purchase is not the campaign\'s', () => {
    const { events } = run([dormant(treatedId), fire('1:stage:1', '1997-06-01T00:00:00.000Z')]);
    const r = given(events).when(fire('1:window-end', '1997-07-31T00:00:00.000Z'));
    expect(r.events).toEqual([{ type: 'WinbackExhausted', data: { campaignId, customerId: treatedId, episode: 1, at: '1997-07-31T00:00:00.000Z', stagesReached: 1 } }]);
    expect(given([...events, ...r.events]).when(purchase('1997-08-02T00:00:00.000Z')).events).toEqual([]);
  });

  it('does not enrol again within the re-entry period, and opens episode 2 after it', () => {
    const { events } = run([dormant(treatedId), purchase('1997-06-05T00:00:00.000Z')]);
    expect(given(events).when(dormant(treatedId, '1997-10-01T00:00:00.000Z')).events).toEqual([]);
    expect(given(events).when(dormant(treatedId, '1997-12-01T00:00:00.000Z')).events[0]).toMatchObject({ type: 'WinbackEnrolled', data: { episode: 2 } });
  });

  it('is stopped by erasure and never enrols the customer again', () => {
    const { events } = run([dormant(treatedId)]);
    const r = given(events).when({ type: 'CustomerErased', data: { at: '1997-06-03T00:00:00.000Z' } });
    expect(r.events).toEqual([{ type: 'WinbackStopped', data: { campaignId, customerId: treatedId, episode: 1, at: '1997-06-03T00:00:00.000Z', reason: 'customer-erased' } }]);
    const after = [...events, ...r.events];
    expect(given(after).when(fire('1:stage:1', '1997-06-04T00:00:00.000Z')).events).toEqual([]);
    expect(given(after).when(dormant(treatedId, '1998-06-01T00:00:00.000Z')).events).toEqual([]);
  });

  it('is stopped when the campaign stops', () => {
    const { events } = run([dormant(treatedId)]);
    expect(given(events).when({ type: 'CampaignStopped', data: { at: '1997-06-02T00:00:00.000Z' } }).events[0]).toMatchObject({ data: { reason: 'campaign-stopped' } });
  });
});
