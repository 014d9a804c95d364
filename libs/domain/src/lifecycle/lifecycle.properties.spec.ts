import fc from 'fast-check';
import type { CustomerStreamEvent } from '../customer/customer.events';
import { DEFAULT_LIFECYCLE_THRESHOLDS as T } from './lifecycle-thresholds';
import {
  advanceLifecycle, evolveLifecycle, initialLifecycleState, lifecycleHistory, type LifecycleState, lifecycleStageAt, type LifecycleTransition,
} from './lifecycle';

const START = Date.parse('2020-01-01T00:00:00.000Z');
const iso = (offsetMs: number) => new Date(START + offsetMs).toISOString();
const DAY = 86_400_000;

/** A history of purchases at random offsets (any order), up to ~4 years. */
const history = fc.array(fc.integer({ min: 0, max: 1500 * DAY }), { maxLength: 12 }).map((offsets) =>
  offsets.map((o, i): CustomerStreamEvent => ({
    type: 'PurchaseRecorded', data: { customerId: 'c-p', orderId: `o-${i}`, amount: 100, currency: 'EUR', occurredAt: iso(o) },
  })));

function fold(events: readonly CustomerStreamEvent[]): { state: LifecycleState; transitions: LifecycleTransition[] } {
  let state = initialLifecycleState('c-p');
  const transitions: LifecycleTransition[] = [];
  for (const e of events) {
    const step = evolveLifecycle(state, e, T);
    state = step.state;
    transitions.push(...step.transitions);
  }
  return { state, transitions };
}

describe('advancing time', () => {
  it('in any number of steps equals advancing at once (same state, same transitions)', () => {
    fc.assert(fc.property(history, fc.array(fc.integer({ min: 0, max: 2500 * DAY }), { minLength: 1, maxLength: 8 }), (events, stops) => {
      const { state } = fold(events);
      const sorted = [...stops].sort((a, b) => a - b).map(iso);
      const end = sorted.at(-1)!;
      const once = advanceLifecycle(state, end, T);
      let stepped = state;
      const transitions: LifecycleTransition[] = [];
      for (const to of sorted) {
        const step = advanceLifecycle(stepped, to, T);
        stepped = step.state;
        transitions.push(...step.transitions);
      }
      expect(stepped).toEqual(once.state);
      expect(transitions).toEqual(once.transitions);
    }));
  });

  it('transitions run in time order, each from the stage the previous one reached, and end at the stage the facts give', () => {
    fc.assert(fc.property(history, fc.integer({ min: 0, max: 2500 * DAY }), (events, end) => {
      const folded = fold(events);
      const advanced = advanceLifecycle(folded.state, iso(end), T);
      const all = [...folded.transitions, ...advanced.transitions];
      for (let i = 1; i < all.length; i++) {
        expect(all[i]!.at >= all[i - 1]!.at).toBe(true);
        expect(all[i]!.from).toBe(all[i - 1]!.to);
      }
      const at = advanced.state.at;
      if (at !== null) expect(advanced.state.stage).toBe(lifecycleStageAt(advanced.state, at, T));
    }));
  });

  it('for purchases in time order, the transitions give the stage at every instant', () => {
    fc.assert(fc.property(history, fc.array(fc.integer({ min: 0, max: 2500 * DAY }), { maxLength: 10 }), (events, probes) => {
      const ordered = [...events].sort((a, b) => (a.data as { occurredAt: string }).occurredAt.localeCompare((b.data as { occurredAt: string }).occurredAt));
      const folded = fold(ordered);
      const all = [...folded.transitions, ...advanceLifecycle(folded.state, iso(2600 * DAY), T).transitions];
      for (const p of probes.map(iso)) {
        const last = all.filter((t) => t.at <= p).at(-1);
        expect(last?.to ?? null).toBe(lifecycleStageAt(folded.state, p, T));
      }
    }));
  });
});

describe('the history the facts give', () => {
  it('does not depend on the order the purchases arrived in', () => {
    fc.assert(fc.property(history, fc.integer({ min: 0, max: 2500 * DAY }), (events, end) => {
      const sorted = [...events].sort((a, b) => (a.data as { occurredAt: string }).occurredAt.localeCompare((b.data as { occurredAt: string }).occurredAt));
      const later = (s: LifecycleState) => (s.at !== null && s.at > iso(end) ? s.at : iso(end));
      const asArrived = fold(events).state;
      const inOrder = fold(sorted).state;
      const a = lifecycleHistory({ ...asArrived, at: later(asArrived) }, T);
      const b = lifecycleHistory({ ...inOrder, at: later(inOrder) }, T);
      expect(a).toEqual(b);
    }));
  });
});
