import type { CustomerStreamEvent } from '../customer/customer.events';
import { evt } from '../testing/customer-fixtures';
import { DEFAULT_LIFECYCLE_THRESHOLDS as T, lifecycleThresholdProblems } from './lifecycle-thresholds';
import {
  advanceLifecycle, evolveLifecycle, initialLifecycleState, lifecycleHistory, type LifecycleState, lifecycleStageAt, type LifecycleTransition,
  nextLifecycleDueAt,
} from './lifecycle';

const C = 'c-ada';
const day = (n: number, from = '2024-02-01T10:00:00.000Z') => new Date(Date.parse(from) + n * 86_400_000).toISOString();
const bought = (n: number, orderId = `o-${n}`) => evt.purchased({ orderId, occurredAt: day(n) });

/** Given these events (folded in order), when time reaches `to`, then these transitions. */
function given(...events: CustomerStreamEvent[]) {
  const transitions: LifecycleTransition[] = [];
  let state: LifecycleState = initialLifecycleState(C);
  for (const e of events) {
    const step = evolveLifecycle(state, e, T);
    state = step.state;
    transitions.push(...step.transitions);
  }
  return {
    state,
    transitions,
    advancedTo(to: string) {
      return advanceLifecycle(state, to, T);
    },
  };
}
const tr = (from: LifecycleTransition['from'], to: LifecycleTransition['to'], at: string, cause: LifecycleTransition['cause']): LifecycleTransition => ({
  customerId: C, from, to, at, cause,
});

describe('when nothing is known', () => {
  it('has no stage, and time passing changes nothing', () => {
    const { state } = given();
    expect(state.stage).toBeNull();
    expect(advanceLifecycle(state, day(1000), T)).toEqual({ state: { ...state, at: day(1000) }, transitions: [] });
  });
});

describe('when a customer registers', () => {
  it('explicitly: becomes a prospect at the registration time', () => {
    const { state, transitions } = given(evt.registered());
    expect(transitions).toEqual([tr(null, 'prospect', '2024-01-01T09:00:00.000Z', 'registration')]);
    expect(state).toMatchObject({ stage: 'prospect', since: '2024-01-01T09:00:00.000Z' });
  });

  it('stays a prospect however long nothing is bought', () => {
    expect(given(evt.registered()).advancedTo(day(5000)).transitions).toEqual([]);
  });

  it('implicitly (a purchase registered them): no prospect stage, the purchase makes them new', () => {
    const { transitions } = given(evt.registeredImplicitly(day(0)), bought(0));
    expect(transitions).toEqual([tr(null, 'new', day(0), 'purchase')]);
  });
});

describe('when a prospect buys', () => {
  it('becomes new at the purchase time', () => {
    const { transitions } = given(evt.registered(), bought(0));
    expect(transitions.at(-1)).toEqual(tr('prospect', 'new', day(0), 'purchase'));
  });
});

describe('when time passes after a single purchase', () => {
  const once = given(evt.registered(), bought(0));

  it('new turns active exactly 30 days after the first purchase, not at the tick that noticed it', () => {
    expect(once.advancedTo(day(29.99)).transitions).toEqual([]);
    expect(once.advancedTo(day(45)).transitions).toEqual([tr('new', 'active', day(30), 'time')]);
  });

  it('goes dormant exactly 90 days after the last purchase, and lost at 365, each at its own moment', () => {
    const { state, transitions } = once.advancedTo(day(400));
    expect(transitions).toEqual([tr('new', 'active', day(30), 'time'), tr('active', 'dormant', day(90), 'time'), tr('dormant', 'lost', day(365), 'time')]);
    expect(state).toMatchObject({ stage: 'lost', since: day(365), at: day(400) });
    expect(nextLifecycleDueAt(state, T)).toBeNull();
  });

  it('is still active one millisecond before the dormant moment', () => {
    const { state } = once.advancedTo(new Date(Date.parse(day(90)) - 1).toISOString());
    expect(state.stage).toBe('active');
    expect(nextLifecycleDueAt(state, T)).toBe(day(90));
  });

  it('does not run backwards: advancing to an earlier instant changes nothing', () => {
    const later = once.advancedTo(day(100)).state;
    expect(advanceLifecycle(later, day(50), T)).toEqual({ state: later, transitions: [] });
  });
});

describe('when an active customer buys again', () => {
  it('stays active and the dormant moment moves to 90 days after the new purchase', () => {
    const g = given(evt.registered(), bought(0), bought(60));
    expect(g.transitions.map((t) => t.to)).toEqual(['prospect', 'new', 'active']);
    expect(g.state.stage).toBe('active');
    expect(nextLifecycleDueAt(g.state, T)).toBe(day(150));
  });

  it('a second purchase within the first 30 days keeps them new until day 30', () => {
    const g = given(bought(0), bought(10));
    expect(g.state.stage).toBe('new');
    expect(g.advancedTo(day(31)).transitions).toEqual([tr('new', 'active', day(30), 'time')]);
  });
});

describe('when a dormant or lost customer buys', () => {
  it('a dormant customer is reactivated at the purchase, after the dormant transition at its own moment', () => {
    const { transitions, state } = given(bought(0), bought(120));
    expect(transitions).toEqual([
      tr(null, 'new', day(0), 'purchase'), tr('new', 'active', day(30), 'time'), tr('active', 'dormant', day(90), 'time'), tr('dormant', 'active', day(120), 'purchase'),
    ]);
    expect(state).toMatchObject({ stage: 'active', since: day(120) });
  });

  it('a lost customer is reactivated too', () => {
    const { transitions } = given(bought(0), bought(500));
    expect(transitions.slice(-2)).toEqual([tr('dormant', 'lost', day(365), 'time'), tr('lost', 'active', day(500), 'purchase')]);
  });
});

describe('when events arrive out of event-time order', () => {
  it('a late purchase is applied at the time already reached, so transitions never go back in time', () => {
    const g = given(bought(0));
    const at200 = g.advancedTo(day(200)).state;
    expect(at200.stage).toBe('dormant');
    const { state, transitions } = evolveLifecycle(at200, bought(150, 'o-late'), T);
    expect(transitions).toEqual([tr('dormant', 'active', day(200), 'purchase')]);
    expect(nextLifecycleDueAt(state, T)).toBe(day(240));
  });
});

describe('when a refund, an interaction or a loyalty event arrives', () => {
  it('the stage does not change (a refund does not undo the visit)', () => {
    const g = given(bought(0), evt.refunded({ occurredAt: day(1) }), evt.interacted({ occurredAt: day(2) }));
    expect(g.transitions).toEqual([tr(null, 'new', day(0), 'purchase')]);
    expect(g.state.engagementTimes).toEqual([day(2)]);
  });
});

describe('when the customer is erased', () => {
  it('is lost at the erasure, with cause erasure, and time and purchases change nothing after', () => {
    const g = given(bought(0), evt.erased(day(40)));
    expect(g.transitions.at(-1)).toEqual(tr('active', 'lost', day(40), 'erasure'));
    expect(nextLifecycleDueAt(g.state, T)).toBeNull();
    expect(g.advancedTo(day(1000)).transitions).toEqual([]);
    expect(evolveLifecycle(g.state, bought(50), T).transitions).toEqual([]);
  });
});

describe('the stage at a past instant', () => {
  it('reads only the facts known then', () => {
    const { state } = given(evt.registered(), bought(0), bought(200));
    expect(lifecycleStageAt(state, '2023-12-31T00:00:00.000Z', T)).toBeNull();
    expect(lifecycleStageAt(state, '2024-01-15T00:00:00.000Z', T)).toBe('prospect');
    expect(lifecycleStageAt(state, day(10), T)).toBe('new');
    expect(lifecycleStageAt(state, day(50), T)).toBe('active');
    expect(lifecycleStageAt(state, day(150), T)).toBe('dormant');
    expect(lifecycleStageAt(state, day(201), T)).toBe('active');
  });
});

describe('thresholds', () => {
  it('the defaults are usable', () => {
    expect(lifecycleThresholdProblems(T)).toEqual([]);
  });

  it('name the field and the reason when they are not', () => {
    expect(lifecycleThresholdProblems({ ...T, newForDays: 0 })).toEqual([{ field: 'newForDays', reason: 'must be a whole number of at least 1' }]);
    expect(lifecycleThresholdProblems({ ...T, dormantAfterDays: 400 })).toEqual([{ field: 'dormantAfterDays', reason: 'must be less than lostAfterDays' }]);
    expect(lifecycleThresholdProblems({ ...T, newForDays: 90 })).toEqual([{ field: 'newForDays', reason: 'must be less than dormantAfterDays' }]);
    expect(lifecycleThresholdProblems({ ...T, churn: { ...T.churn, engagement: { ...T.churn.engagement, dropRatio: 2 } } }))
      .toEqual([{ field: 'churn.engagement.dropRatio', reason: 'must be a number from 0 to 1' }]);
    expect(lifecycleThresholdProblems({ ...T, churn: undefined })).toEqual([{ field: 'churn', reason: 'is required' }]);
  });

  it('other thresholds move the due moments', () => {
    const fast = { ...T, newForDays: 7, dormantAfterDays: 14, lostAfterDays: 28 };
    const s = evolveLifecycle(initialLifecycleState(C), bought(0), fast).state;
    expect(advanceLifecycle(s, day(30), fast).transitions.map((t) => [t.to, t.at])).toEqual([['active', day(7)], ['dormant', day(14)], ['lost', day(28)]]);
  });
});

describe('the history the facts give in event-time order', () => {
  it('rewrites a late purchase to its own moment: the dormant spell it ended disappears', () => {
    const at200 = given(bought(0)).advancedTo(day(200)).state;
    const late = evolveLifecycle(at200, bought(80, 'o-late'), T).state;
    const { state, transitions } = lifecycleHistory(late, T);
    expect(transitions).toEqual([
      tr(null, 'new', day(0), 'purchase'), tr('new', 'active', day(30), 'time'), tr('active', 'dormant', day(170), 'time'),
    ]);
    expect(state).toMatchObject({ stage: 'dormant', since: day(170), at: day(200), purchaseTimes: [day(0), day(80)] });
  });

  it('equals the live fold when the events came in order', () => {
    const g = given(evt.registered(), bought(0), bought(120), evt.interacted({ occurredAt: day(130) }));
    const end = g.advancedTo(day(900));
    expect(lifecycleHistory(end.state, T)).toEqual({ state: end.state, transitions: [...g.transitions, ...end.transitions] });
  });
});
