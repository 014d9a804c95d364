import { createEmbeddedEventStore, EmbeddedDatabase } from '@lifecycle/event-store';
import { INTEGRATION_OUTBOX_TABLES, InProcessIntegrationBus } from '@lifecycle/messaging/integration-events';
import { openEmbeddedReadStore } from '@lifecycle/read-store';
import { appendClockTicks, appendCustomerEvents, cdnowCustomerEvents, MONTHLY_TICKS_AFTER_CDNOW } from '@lifecycle/projections/testing/cdnow-log';
import { timedRead } from '@lifecycle/projections/testing/rebuild-bench';
import { sharedDataFile } from '@lifecycle/testing';
import { IntegrationPublisher } from '../apps/engine/src/integration-events/integration-publisher';
import type { BenchLine, BenchSection } from './bench-table';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The integration publisher over CDNOW (+ 13 monthly ticks) on PGlite in memory, beside the raw
 * read of the same log: once as a first start on an imported history (every message older than the
 * default week: derived, held back, counted), once with every message treated as news and handed
 * to an in-process subscriber (the derive + publish + checkpoint path in full). Batches of 500.
 */
export async function integrationEventsBench(options: { file: 'CDNOW_master.txt' | 'CDNOW_sample.txt' }): Promise<BenchSection> {
  const db = await EmbeddedDatabase.open();
  const eventStore = await createEmbeddedEventStore(db);
  const ds = await openEmbeddedReadStore(db, INTEGRATION_OUTBOX_TABLES);
  try {
    const events = (await appendCustomerEvents(eventStore, cdnowCustomerEvents(sharedDataFile(options.file)))) + (await appendClockTicks(eventStore, MONTHLY_TICKS_AFTER_CDNOW));
    const raw = await timedRead(eventStore);
    const run = async (maxAgeMs: number) => {
      await ds.query('DELETE FROM integration_customers');
      await ds.query('DELETE FROM integration_publisher');
      const bus = new InProcessIntegrationBus();
      let received = 0;
      bus.subscribe(() => void received++);
      const publisher = new IntegrationPublisher({ dataSource: ds, eventStore, transport: bus, maxAgeMs });
      const started = performance.now();
      await publisher.publishToHead();
      const seconds = (performance.now() - started) / 1000;
      const status = await publisher.status();
      return { rate: Math.round(events / seconds), seconds, received, heldBack: Number(status.heldBack) };
    };
    const history = await run(7 * DAY_MS);
    const news = await run(1000 * 365 * DAY_MS);
    const n = (x: number) => x.toLocaleString('en-US');
    const lines: BenchLine[] = [
      { name: 'raw readAll', value: raw, unit: 'ev/s', note: `${n(events)} events, pages of 1,000` },
      {
        name: 'publisher, first start on the imported history', value: history.rate, unit: 'ev/s', baseline: 'raw readAll',
        note: `${history.seconds.toFixed(1)} s; ${n(history.heldBack)} messages held back, ${n(history.received)} sent`,
      },
      {
        name: 'publisher, every message sent (in-process)', value: news.rate, unit: 'ev/s', baseline: 'raw readAll',
        note: `${news.seconds.toFixed(1)} s; ${n(news.received)} messages (${n(Math.round(news.received / news.seconds))}/s)`,
      },
    ];
    return { title: `Integration events, ${options.file} + 13 monthly ticks, PGlite in memory (higher is better)`, lines };
  } finally {
    await ds.destroy();
    await eventStore.close();
    await db.close();
  }
}
