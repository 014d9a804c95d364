import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { DEFAULT_LIFECYCLE_THRESHOLDS as T } from '@lifecycle/domain';
import { createEmbeddedEventStore, EmbeddedDatabase, type EventStore } from '@lifecycle/event-store';
import { openEmbeddedReadStore, ProjectionRunner } from '@lifecycle/read-store';
import { sharedDataFile } from '@lifecycle/testing';
import { appendClockTicks, appendCustomerEvents, cdnowCustomerEvents, MONTHLY_TICKS_AFTER_CDNOW } from '../testing/cdnow-log';
import { lifecycleDistribution } from './lifecycle.query';
import { lifecycleProjection, lifecycleReadModel } from './lifecycle.read-model';
import { dumpLifecycleVersion } from './testing/lifecycle-dump';

/**
 * CDNOW master (../shared/data/CDNOW_master.txt, see SOURCES.md: 69,659 purchases by 23,570 customers,
 * January 1997 to June 1998), appended in the file's customer order, so that nearly every purchase is
 * older than the log clock when it arrives; then monthly ticks to 1999-07-01.
 */
const MASTER = sharedDataFile('CDNOW_master.txt');

/** The stage rule computed straight from the raw file, independent of the engine: (id, yyyymmdd, cds, dollars) per line. */
function stagesFromRawFile(asOf: string): Record<string, number> {
  const firstLast = new Map<string, [number, number]>();
  const t = Date.parse(asOf);
  for (const line of readFileSync(MASTER, 'utf8').split('\n')) {
    const [id, date] = line.trim().split(/\s+/);
    if (!id || !date || !/^\d{8}$/.test(date)) continue;
    const at = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
    if (at > t) continue;
    const fl = firstLast.get(id);
    firstLast.set(id, fl ? [Math.min(fl[0], at), Math.max(fl[1], at)] : [at, at]);
  }
  const counts: Record<string, number> = { prospect: 0, new: 0, active: 0, dormant: 0, lost: 0 };
  const days = (ms: number) => ms / 86_400_000;
  for (const [first, last] of firstLast.values()) {
    if (days(t - first) < 30) counts.new!++;
    else if (days(t - last) < 90) counts.active!++;
    else if (days(t - last) < 365) counts.dormant!++;
    else counts.lost!++;
  }
  return counts;
}

describe('lifecycle over CDNOW master with clock ticks (PGlite)', () => {
  let db: EmbeddedDatabase;
  let eventStore: EventStore;
  let ds: DataSource;
  const runners: ProjectionRunner[] = [];

  beforeAll(async () => {
    db = await EmbeddedDatabase.open();
    eventStore = await createEmbeddedEventStore(db);
    ds = await openEmbeddedReadStore(db, lifecycleReadModel);
    await appendCustomerEvents(eventStore, cdnowCustomerEvents(MASTER));
    await appendClockTicks(eventStore, MONTHLY_TICKS_AFTER_CDNOW);
    // Two rebuilds of the same log, with different batch boundaries; version 1 is served.
    for (const [version, batchSize] of [[1, 1000], [2, 317]] as const) {
      const runner = new ProjectionRunner({ dataSource: ds, eventStore, projections: [lifecycleProjection(version, T)], batchSize, switchWhenCaughtUp: false });
      runners.push(runner);
      await runner.start();
      await runner.catchUp();
    }
  }, 600_000);

  afterAll(async () => {
    for (const r of runners) await r.stop();
    await ds?.destroy();
    await eventStore?.close();
    await db?.close();
  });

  it('two rebuilds give identical tables, byte for byte', async () => {
    const first = await dumpLifecycleVersion(ds, 1);
    expect(JSON.parse(first).state).toHaveLength(23_570);
    expect(await dumpLifecycleVersion(ds, 2)).toBe(first);
  });

  it.each([
    ['1997-02-15T00:00:00.000Z'], ['1997-06-30T00:00:00.000Z'], ['1997-12-31T00:00:00.000Z'], ['1998-06-30T00:00:00.000Z'],
    ['1999-01-15T00:00:00.000Z'], ['2000-01-01T00:00:00.000Z'],
  ])('the stage distribution at %s equals the rule computed from the raw file', async (asOf) => {
    const expected = stagesFromRawFile(asOf);
    const got = await lifecycleDistribution(ds, asOf);
    expect(got!.stages).toEqual(expected);
    expect(got!.customers).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
  });

  it('by the last tick, ticks alone have made every customer lost (no purchase after June 1998)', async () => {
    const now = await lifecycleDistribution(ds);
    expect(now).toMatchObject({ asOf: '1999-07-01T00:00:00.000Z', customers: 23_570, stages: { prospect: 0, new: 0, active: 0, dormant: 0, lost: 23_570 }, churnWarnings: 0 });
  });
});
