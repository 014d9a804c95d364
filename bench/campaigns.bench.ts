import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { rawInsertSql } from '@lifecycle/event-store';
import { type HistoricalPurchase, stageSignals, winbackStreamId, initialWinbackState, reactWinback } from '@lifecycle/sagas';
import { DEFAULT_LIFECYCLE_THRESHOLDS } from '@lifecycle/domain';
import { cdnowCustomerEvents } from '@lifecycle/projections/testing/cdnow-log';
import { sharedDataFile } from '@lifecycle/testing';
import { validateEngineConfig } from '@lifecycle/engine/config/engine-config';
import { parseCampaignDefinition } from '@lifecycle/engine/campaigns/campaign-definition.dto';
import { CampaignStreams } from '@lifecycle/engine/campaigns/campaign-streams';
import { SystemClock } from '@lifecycle/engine/storage/clock';
import type { BenchLine, BenchSection } from './bench-table';
import type { Backend } from './backends';
import { opsPerSecond } from './measure';

export interface CampaignBenchSizes {
  /** Enrolments of CDNOW_master's dormant customers (all of them when undefined). */
  readonly enrolments?: number;
  readonly timers: number;
  readonly rawAppends: number;
}

/**
 * The saga write path on one backend, beside the raw append rate of the same database in the same
 * run: every customer of CDNOW_master who goes dormant between 1997-06-01 and 1998-06-30 enrolled
 * into examples/campaigns/winback.yaml and its first stage dispatched (two saga appends each); then
 * a sweep of N due timers as the saga host fires them (batched multi-stream appends).
 */
export async function campaignsBench(backend: Backend, sizes: CampaignBenchSizes): Promise<BenchSection> {
  const lines: BenchLine[] = [];
  const run = randomBytes(3).toString('hex');
  const storage = await backend.engineStorage(randomBytes(32));
  const streams = new CampaignStreams(storage, new SystemClock(), validateEngineConfig({ inMemory: true, logLevel: 'silent' }));
  const definition = parseCampaignDefinition(parse(readFileSync(join(__dirname, '..', 'examples', 'campaigns', 'winback.yaml'), 'utf8')));

  let r = 0;
  const raw = await opsPerSecond('raw insert', () => backend.raw(rawInsertSql, rawRow(`raw-${run}-${r++}`)), sizes.rawAppends);
  lines.push({ name: 'raw SQL INSERT, 1 event per transaction', value: raw, unit: 'appends/s' });

  // Who goes dormant in the period, by the engine's lifecycle rules over the real history.
  const signals = [];
  for (const [customerId, events] of cdnowCustomerEvents(sharedDataFile('CDNOW_master.txt'))) {
    const purchases: HistoricalPurchase[] = events.flatMap((e) => (e.type === 'PurchaseRecorded' ? [{ orderId: e.data.orderId, at: e.data.occurredAt, amount: e.data.amount }] : []));
    const dormant = stageSignals(customerId, purchases, DEFAULT_LIFECYCLE_THRESHOLDS, '1998-06-30T23:59:59.999Z')
      .find((s) => s.enteredStage === 'dormant' && s.at >= '1997-06-01T00:00:00.000Z');
    if (dormant) signals.push(dormant);
  }
  const enrol = signals.slice(0, sizes.enrolments ?? signals.length);
  const campaignId = `bench-${run}`;
  const started = performance.now();
  let actions = 0;
  // As the saga host works: a batch of signals enrolled in one multi-stream append, then their first timers fired in another.
  for (let i = 0; i < enrol.length; i += 500) {
    const batch = enrol.slice(i, i + 500);
    await streams.reactMany(batch.map((signal) => ({ campaignId, customerId: signal.customerId, definition, input: { type: 'CustomerSignalled' as const, data: signal } })));
    const fired = await streams.reactMany(batch.map((signal) => ({
      campaignId, customerId: signal.customerId, definition, input: { type: 'TimerFired' as const, data: { timerId: '1:stage:1', at: signal.at } },
    })));
    actions += fired.flatMap((r) => r.commands).filter((c) => c.type === 'DispatchWinbackAction').length;
  }
  const seconds = (performance.now() - started) / 1000;
  lines.push({
    name: `enrol + first stage, ${enrol.length.toLocaleString('en-US')} CDNOW dormant customers`, value: enrol.length / seconds, unit: 'customers/s',
    baseline: 'raw SQL INSERT, 1 event per transaction', note: `${actions.toLocaleString('en-US')} actions (treated), ${(actions / seconds).toFixed(0)} actions/s; batches of 500`,
  });

  // N sagas each with a due timer (written in bulk, not measured), then the sweep that fires them.
  const timerCampaign = `timers-${run}`;
  const setup = [];
  for (let i = 0; i < sizes.timers; i++) {
    const customerId = `t${i}`;
    const { events } = reactWinback(initialWinbackState(), { type: 'CustomerSignalled', data: { customerId, at: '2026-01-01T00:00:00.000Z', enteredStage: 'dormant' } }, { campaignId: timerCampaign, definition });
    const streamId = winbackStreamId(timerCampaign, customerId);
    setup.push({ streamId, expectedRevision: 'no-stream' as const, events: events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data })) });
    if (setup.length === 1000 || i === sizes.timers - 1) await storage.eventStore.appendToStreams(setup.splice(0));
  }
  const sweepStart = performance.now();
  for (let i = 0; i < sizes.timers; i += 500) {
    const batch = Array.from({ length: Math.min(500, sizes.timers - i) }, (_, k) => ({
      campaignId: timerCampaign, customerId: `t${i + k}`, definition, input: { type: 'TimerFired' as const, data: { timerId: '1:stage:1', at: '2026-01-01T00:00:00.000Z' } },
    }));
    await streams.reactMany(batch);
  }
  const sweep = (performance.now() - sweepStart) / 1000;
  lines.push({ name: `fire ${sizes.timers.toLocaleString('en-US')} due timers (batches of 500)`, value: sizes.timers / sweep, unit: 'timers/s', baseline: 'raw SQL INSERT, 1 event per transaction', note: `${sweep.toFixed(1)} s` });
  await storage.close();
  return { title: `Win-back sagas (${backend.name})`, lines };
}

const rawRow = (streamId: string): unknown[] => [[streamId], [0], [randomUUID()], ['WinbackEnrolled'], ['{}'], ['{}']];
