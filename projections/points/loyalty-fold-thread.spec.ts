import { join } from 'node:path';
import type { RecordedEvent } from '@lifecycle/event-store';
import { cdnowCustomerEvents, enrichedCdnowEvents, MONTHLY_TICKS_AFTER_CDNOW } from '../testing/cdnow-log';
import { LoyaltyFold, type LoyaltyFoldOutput, type ReplayTable } from './loyalty-fold';
import { batchesFoldedOnThread, LoyaltyFoldOnThread, startLoyaltyFoldThread, stopLoyaltyFoldThread, type ThreadFoldResult } from './loyalty-fold-thread';
import { TIER_TABLE } from '../tier/tier.projection';
import { POINTS_TABLE } from './points.projection';
import { defaultPointsDefinition } from './points.read-model';

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

const outputOf = (result: ThreadFoldResult): LoyaltyFoldOutput => {
  if (!('output' in result)) throw new Error(`no output: ${JSON.stringify(result)}`);
  return result.output;
};

describe('the loyalty fold on its own thread', () => {
  afterAll(() => stopLoyaltyFoldThread());

  it.each([['points', POINTS_TABLE as ReplayTable<unknown>], ['tier', TIER_TABLE as ReplayTable<unknown>]] as const)('gives the %s rows the fold gives here, batch by batch, including those folded before the thread was ready', async (_, table) => {
    const batches = sampleBatches();
    expect(cdnowCustomerEvents(SAMPLE).size).toBe(2357);
    const here = new LoyaltyFold(table, 1, RULES, true, 1_000_000);
    await stopLoyaltyFoldThread();
    const there = new LoyaltyFoldOnThread(table, 1, RULES, 1_000_000);
    const folded = batchesFoldedOnThread();
    for (const [i, batch] of batches.entries()) {
      // The first two batches come before the thread is ready: they fold in this thread and move over with the third.
      if (i === 2) await startLoyaltyFoldThread();
      const due = everyone(batch, here);
      const expected = here.apply(batch, due, i % 2 === 0);
      expect(outputOf(await there.apply(batch, due, i % 2 === 0))).toEqual(expected);
    }
    expect(batchesFoldedOnThread() - folded).toBe(batches.length - 2);
  });

  it('names the event of a batch it could not apply, by its place in the batch', async () => {
    await startLoyaltyFoldThread();
    const there = new LoyaltyFoldOnThread(POINTS_TABLE, 1, RULES, 1000);
    const good = { type: 'CustomerRegistered', data: { customerId: 'c1', registeredAt: '2024-01-01T00:00:00.000Z', channel: 'web' } } as unknown as RecordedEvent;
    const bad = { type: 'PurchaseRecorded', data: { customerId: 'c1', orderId: 'o1', amount: 100, currency: 'EUR', occurredAt: 'not an instant' } } as unknown as RecordedEvent;
    const result = await there.apply([good, bad], [], false);
    expect(result).toEqual({ failed: { index: 1, cause: expect.objectContaining({ message: 'Invalid time value' }) } });
  });

  it('lets a fold go on without the thread once the thread has ended', async () => {
    await startLoyaltyFoldThread();
    const there = new LoyaltyFoldOnThread(POINTS_TABLE, 1, RULES, 1000);
    const [first, second] = sampleBatches();
    expect('output' in (await there.apply(first!, [], false))).toBe(true);
    await stopLoyaltyFoldThread();
    expect(await there.apply(second!, [], false)).toEqual({ unavailable: true });
  });
});
