import { CommandBus } from '@nestjs/cqrs';
import { CLOCK_STREAM_ID } from '@lifecycle/domain';
import { EngineConfig } from '../config/engine-config';
import { SettableClock } from '../testing/settable-clock';
import { Storage } from '../storage/storage';
import { startTestEngine, type TestEngine } from '../testing/test-engine';
import { ClockScheduler } from './clock-scheduler';

// The live clock driven by an injected Clock (default interval: 1h, so the slot is the hour).
describe('the live clock (embedded, ROLE=all)', () => {
  let t: TestEngine;
  const clock = new SettableClock('2024-06-14T20:10:00Z');
  beforeAll(async () => {
    t = await startTestEngine({ clock });
  });
  afterAll(() => t.close());

  const ticks = async () => (await t.engine.storage.eventStore.readStream(CLOCK_STREAM_ID)).map((e) => e.data as { at: string });
  const types = async (customerId: string) => (await t.engine.storage.eventStore.readStream(`customer-${customerId}`)).map((e) => e.type);

  it('records ClockTicked at the slot and runs the loyalty work due then (a birthday)', async () => {
    const registered = await t.http.post('/customers').set('x-api-key', t.keys.ingest)
      .send({ customerId: 'c-bea', registeredAt: '2024-03-01T09:00:00Z', channel: 'web', birthday: '1990-06-15' });
    expect(registered.status).toBe(201);
    const scheduler = t.engine.app.get(ClockScheduler);

    // The day before the birthday: a tick, nothing due.
    const before = await scheduler.tick();
    expect(before).toMatchObject({ outcome: 'ticked', at: '2024-06-14T20:00:00.000Z', work: { events: 0 } });
    expect(await types('c-bea')).toEqual(['CustomerRegistered']);

    // The birthday (in Europe/Paris, the business zone): the tick rewards it.
    clock.at = '2024-06-15T08:20:00Z';
    const birthday = await scheduler.tick();
    expect(birthday).toMatchObject({ outcome: 'ticked', at: '2024-06-15T08:00:00.000Z', work: { work: { birthday: 1 } } });
    expect(await types('c-bea')).toContain('BirthdayRewarded');
    expect(await ticks()).toEqual([{ at: '2024-06-14T20:00:00.000Z' }, { at: '2024-06-15T08:00:00.000Z' }]);
    expect((await t.http.get('/metrics')).text).toMatch(new RegExp(`^lifecycle_clock_last_tick_timestamp_seconds ${Date.parse('2024-06-15T08:00:00Z') / 1000}$`, 'm'));

    // Later in the same slot: already ticked, nothing recorded twice.
    clock.at = '2024-06-15T08:59:59Z';
    expect(await scheduler.tick()).toEqual({ outcome: 'skipped', at: '2024-06-15T08:00:00.000Z', reason: 'already-ticked' });
    expect((await ticks()).length).toBe(2);
  });

  it('two processes ticking the same slot record it once: the second skips', async () => {
    clock.at = '2024-06-15T10:05:00Z';
    const app = t.engine.app;
    // A second scheduler on the same log, as another process would have.
    const other = new ClockScheduler(app.get(EngineConfig), app.get(Storage), clock, app.get(CommandBus));
    const first = t.engine.app.get(ClockScheduler);
    const outcomes = await Promise.all([first.tick(), other.tick()]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['skipped', 'ticked']);
    expect((await ticks()).filter((tick) => tick.at === '2024-06-15T10:00:00.000Z')).toHaveLength(1);
    // And later the other one sees the tick it lost, rather than ticking the slot again.
    expect(await other.tick()).toMatchObject({ outcome: 'skipped', reason: 'already-ticked' });
  });
});
