import { join } from 'node:path';
import { DEFAULT_LIFECYCLE_THRESHOLDS } from '@lifecycle/domain';
import type { RecordedEvent } from '@lifecycle/event-store';
import { LifecycleFold } from '../lifecycle/lifecycle-fold';
import { lifecycleFoldOnThread } from '../lifecycle/lifecycle-fold-thread';
import { LoyaltyFold, type ReplayTable } from '../points/loyalty-fold';
import { loyaltyFoldOnThread } from '../points/loyalty-fold-thread';
import { POINTS_TABLE } from '../points/points.projection';
import { defaultPointsDefinition } from '../points/points.read-model';
import { cdnowCustomerEvents, enrichedCdnowEvents, MONTHLY_TICKS_AFTER_CDNOW } from '../testing/cdnow-log';
import { TIER_TABLE } from '../tier/tier.projection';
import { FoldEventError } from './fold-event-error';
import { batchesFoldedOnThread, FOLD_THREAD_IDLE_MS, startFoldThread, stopFoldThread, type ThreadFoldResult } from './fold-thread';

const SAMPLE = join(__dirname, '..', '..', '..', 'shared', 'data', 'CDNOW_sample.txt');
const RULES = defaultPointsDefinition.rules;

/** The CDNOW sample's customers one after another (with refunds and surveys), then monthly ticks, in batches of 500. */
function sampleBatches(): RecordedEvent[][] {
  const events = [...enrichedCdnowEvents(SAMPLE).values()].flat().map((e) => ({ type: e.type, data: e.data }) as unknown as RecordedEvent);
  events.push(...MONTHLY_TICKS_AFTER_CDNOW.map((at) => ({ type: 'ClockTicked', data: { at } }) as unknown as RecordedEvent));
  const batches: RecordedEvent[][] = [];
  for (let i = 0; i < events.length; i += 500) batches.push(events.slice(i, i + 500));
  return batches;
}

/** The customers a tick reaches, as the table's `next_due_at` would tell: every one the fold holds. */
const everyone = (batch: readonly RecordedEvent[], fold: LoyaltyFold<unknown>) => (batch.some((e) => e.type === 'ClockTicked') ? [...fold.replays.keys()] : []);

const outputOf = <Output>(result: ThreadFoldResult<Output>): Output => {
  if (!('output' in result)) throw new Error(`no output: ${JSON.stringify(result)}`);
  return result.output;
};

describe('the fold thread', () => {
  afterAll(() => stopFoldThread());

  it.each([['points', POINTS_TABLE as ReplayTable<unknown>], ['tier', TIER_TABLE as ReplayTable<unknown>]] as const)(
    'gives the %s rows the loyalty fold gives here, batch by batch, including those folded before the thread was ready',
    async (_, table) => {
      const batches = sampleBatches();
      expect(cdnowCustomerEvents(SAMPLE).size).toBe(2357);
      const here = new LoyaltyFold(table, 1, RULES, true, 1_000_000);
      await stopFoldThread();
      const there = loyaltyFoldOnThread(table, 1, RULES, 1_000_000);
      const folded = batchesFoldedOnThread();
      for (const [i, batch] of batches.entries()) {
        // The first two batches come before the thread is ready: they fold in this thread and move over with the third.
        if (i === 2) await startFoldThread();
        const due = everyone(batch, here);
        const expected = here.apply(batch, due, i % 2 === 0);
        expect(outputOf(await there.apply({ events: batch, copy: i % 2 === 0 }))).toEqual(expected);
      }
      expect(batchesFoldedOnThread() - folded).toBe(batches.length - 2);
    },
  );

  it('gives the lifecycle rows and clock the fold gives here, batch by batch, including those folded before the thread was ready', async () => {
    const batches = sampleBatches();
    const here = new LifecycleFold(DEFAULT_LIFECYCLE_THRESHOLDS, 1, true, 1_000_000);
    await stopFoldThread();
    const there = lifecycleFoldOnThread(DEFAULT_LIFECYCLE_THRESHOLDS, 1, 1_000_000);
    const folded = batchesFoldedOnThread();
    for (const [i, batch] of batches.entries()) {
      if (i === 2) await startFoldThread();
      const expected = here.finish(here.fold(batch), undefined, i % 2 === 0);
      expect(outputOf(await there.apply({ events: batch, copy: i % 2 === 0 }))).toEqual(expected);
    }
    expect(batchesFoldedOnThread() - folded).toBe(batches.length - 2);
  });

  it('names the event of a batch it could not apply, by its place in the batch', async () => {
    await startFoldThread();
    const good = { type: 'CustomerRegistered', data: { customerId: 'c1', registeredAt: '2024-01-01T00:00:00.000Z', channel: 'web' } } as unknown as RecordedEvent;
    const bad = { type: 'PurchaseRecorded', data: { customerId: 'c1', orderId: 'o1', amount: 100, currency: 'EUR', occurredAt: 'not an instant' } } as unknown as RecordedEvent;
    const loyalty = loyaltyFoldOnThread(POINTS_TABLE, 1, RULES, 1000);
    const failed = await loyalty.apply({ events: [good, bad], copy: false }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(FoldEventError);
    expect(failed).toEqual(expect.objectContaining({ index: 1, cause: expect.objectContaining({ message: 'Invalid time value' }) }));
    // Lifecycle takes the event and fails spelling its row: the batch fails as a whole, with the reason.
    const lifecycle = lifecycleFoldOnThread(DEFAULT_LIFECYCLE_THRESHOLDS, 1, 1000);
    await expect(lifecycle.apply({ events: [good, bad], copy: false })).rejects.toThrow(/fold thread failed: RangeError: Invalid time value/);
  });

  it('lets a fold go on without the thread once the thread has ended', async () => {
    await startFoldThread();
    const there = loyaltyFoldOnThread(POINTS_TABLE, 1, RULES, 1000);
    const [first, second] = sampleBatches();
    expect('output' in (await there.apply({ events: first!, copy: false }))).toBe(true);
    await stopFoldThread();
    expect(await there.apply({ events: second!, copy: false })).toEqual({ unavailable: true });
  });

  it('ends after a while with nothing to do, and its folds go on without it', async () => {
    await stopFoldThread();
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      await startFoldThread();
      const there = loyaltyFoldOnThread(POINTS_TABLE, 1, RULES, 1000);
      const [first, second] = sampleBatches();
      expect('output' in (await there.apply({ events: first!, copy: false }))).toBe(true);
      jest.advanceTimersByTime(FOLD_THREAD_IDLE_MS - 1000);
      expect('output' in (await there.apply({ events: second!, copy: false }))).toBe(true);
      jest.advanceTimersByTime(FOLD_THREAD_IDLE_MS);
      expect(await there.apply({ events: [], copy: false })).toEqual({ unavailable: true });
    } finally {
      jest.useRealTimers();
    }
  });
});
