import type { DataSource } from 'typeorm';
import type { EventStore } from '@lifecycle/event-store';
import { ProjectionRunner, readCheckpoints, rowProjection } from '@lifecycle/read-store';
import { appendCustomerEvents, enrichedCdnowEvents } from '../testing/cdnow-log';
import { killMidRebuild } from '../testing/kill-mid-rebuild';
import { dumpVersion } from '../testing/rebuild-bench';
import { CustomerSummary } from './customer-summary.entity';
import { CUSTOMER_SUMMARY, customerSummaryFold } from './customer-summary.projection';

export interface CrashBackend {
  /** Opens the store and read store in this process (after the child is gone, for the embedded one). */
  open(): Promise<{ eventStore: EventStore; dataSource: DataSource; close(): Promise<void> }>;
  /** The arguments that make rebuild-child.ts open the same database. */
  readonly childArgs: readonly [kind: string, target: string];
}

const KILLED = 7;
const CLEAN = 8;
const CUSTOMERS = 3000;
const version = (v: number) => rowProjection({ ...customerSummaryFold, version: v }, { entity: CustomerSummary, key: 'customerId' });

/**
 * A projector process is killed with SIGKILL in the middle of a rebuild; another one resumes from
 * the checkpoint it left, and the rows end up byte for byte what a clean rebuild builds. The log is
 * the first 3,000 customers of the enriched CDNOW master, applied in batches of 100.
 */
export function customerSummaryCrashContract(backend: () => Promise<CrashBackend>): void {
  it('resumes after SIGKILL mid-rebuild to exactly the rows of a clean rebuild', async () => {
    const b = await backend();
    let opened = await b.open();
    const events = await appendCustomerEvents(opened.eventStore, new Map([...enrichedCdnowEvents()].slice(0, CUSTOMERS)));
    if (b.childArgs[0] === 'embedded') await opened.close(); // PGlite: one process per data directory

    const killed = await killMidRebuild([...b.childArgs, String(KILLED), '100'], Math.floor(events / 3));
    expect(killed.finishedFirst).toBe(false);

    if (b.childArgs[0] === 'embedded') opened = await b.open();
    try {
      const [left] = (await readCheckpoints(opened.dataSource.manager, CUSTOMER_SUMMARY)).filter((c) => c.version === KILLED);
      expect(Number(left!.eventsProcessed)).toBeGreaterThanOrEqual(killed.reported);
      expect(Number(left!.eventsProcessed)).toBeLessThan(events);

      const runner = new ProjectionRunner({ ...opened, projections: [version(KILLED), version(CLEAN)], switchWhenCaughtUp: false });
      await runner.start();
      await runner.whenCaughtUp(CUSTOMER_SUMMARY, KILLED);
      await runner.whenCaughtUp(CUSTOMER_SUMMARY, CLEAN);
      await runner.stop();

      const resumed = await dumpVersion(opened.dataSource, 'customer_summary', 'customer_id', KILLED);
      const clean = await dumpVersion(opened.dataSource, 'customer_summary', 'customer_id', CLEAN);
      expect(resumed.rows).toBe(CUSTOMERS);
      expect(resumed.text).toBe(clean.text);
      const [done] = (await readCheckpoints(opened.dataSource.manager, CUSTOMER_SUMMARY)).filter((c) => c.version === KILLED);
      expect(Number(done!.eventsProcessed)).toBe(events);
    } finally {
      await opened.close();
    }
  });
}
