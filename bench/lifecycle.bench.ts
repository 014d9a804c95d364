import { DEFAULT_LIFECYCLE_THRESHOLDS } from '@lifecycle/domain';
import { createEmbeddedEventStore, EmbeddedDatabase } from '@lifecycle/event-store';
import { DEFAULT_PROJECTION_BATCH_SIZE, openEmbeddedReadStore } from '@lifecycle/read-store';
import { customerSummaryProjection } from '@lifecycle/projections';
import { customerSummaryReadModel } from '@lifecycle/projections/customer-summary/customer-summary.read-model';
import { lifecycleProjection, lifecycleReadModel } from '@lifecycle/projections/lifecycle/lifecycle.read-model';
import { appendClockTicks, appendCustomerEvents, cdnowCustomerEvents, MONTHLY_TICKS_AFTER_CDNOW } from '@lifecycle/projections/testing/cdnow-log';
import { timedBuild, timedRead } from '@lifecycle/projections/testing/rebuild-bench';
import { sharedDataFile } from '@lifecycle/testing';
import type { BenchLine, BenchSection } from './bench-table';

/**
 * A full rebuild of the lifecycle projection on PGlite (in memory) beside the raw read of the same
 * log: CDNOW in the file's customer order (as `import cdnow` writes it, so nearly every purchase is
 * older than the log clock and rewrites its customer's history) plus 13 monthly ClockTicked events,
 * which age every customer to lost through the due index. customer-summary (a rowProjection over the
 * same log) is shown for comparison. Target (issue 5): replay at no less than half the raw read rate.
 */
export async function lifecycleBench(options: { file: 'CDNOW_master.txt' | 'CDNOW_sample.txt' }): Promise<BenchSection> {
  const db = await EmbeddedDatabase.open();
  const eventStore = await createEmbeddedEventStore(db);
  const ds = await openEmbeddedReadStore(db, { entities: [...lifecycleReadModel.entities, ...customerSummaryReadModel.entities], migrations: [...lifecycleReadModel.migrations, ...customerSummaryReadModel.migrations] });
  try {
    const events = (await appendCustomerEvents(eventStore, cdnowCustomerEvents(sharedDataFile(options.file)))) + (await appendClockTicks(eventStore, MONTHLY_TICKS_AFTER_CDNOW));
    const raw = await timedRead(eventStore);
    const lifecycle = await timedBuild(ds, eventStore, lifecycleProjection(1, DEFAULT_LIFECYCLE_THRESHOLDS), events);
    const [{ transitions }] = (await ds.query(`SELECT count(*)::int AS transitions FROM lifecycle_transitions WHERE projection_version = 1`)) as { transitions: number }[];
    const summary = await timedBuild(ds, eventStore, customerSummaryProjection, events);
    const lines: BenchLine[] = [
      { name: 'raw readAll', value: raw, unit: 'ev/s', note: `${events.toLocaleString('en-US')} events, pages of 1,000` },
      {
        name: 'lifecycle rebuild', value: lifecycle, unit: 'ev/s', baseline: 'raw readAll', target: '>= 50%',
        note: `${(events / lifecycle).toFixed(1)} s; ${transitions.toLocaleString('en-US')} transitions; batches of ${DEFAULT_PROJECTION_BATCH_SIZE.toLocaleString('en-US')}`,
      },
      { name: 'customer-summary rebuild', value: summary, unit: 'ev/s', baseline: 'raw readAll', note: 'rowProjection, for comparison' },
    ];
    return { title: `Lifecycle replay, ${options.file} + 13 monthly ticks, PGlite in memory (higher is better)`, lines };
  } finally {
    await ds.destroy();
    await eventStore.close();
    await db.close();
  }
}
