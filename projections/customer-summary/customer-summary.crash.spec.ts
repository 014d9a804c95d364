import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventStore, EmbeddedDatabase } from '@lifecycle/event-store';
import { openEmbeddedReadStore } from '@lifecycle/read-store';
import { customerSummaryCrashContract } from './customer-summary.crash.contract';
import { customerSummaryReadModel } from './customer-summary.read-model';

describe('customer summary on the embedded database (PGlite on disk), projector killed mid-rebuild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'le-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  customerSummaryCrashContract(async () => ({
    childArgs: ['embedded', join(dir, 'pglite')],
    open: async () => {
      const db = await EmbeddedDatabase.open(join(dir, 'pglite'));
      const eventStore = await createEmbeddedEventStore(db);
      const dataSource = await openEmbeddedReadStore(db, customerSummaryReadModel);
      return {
        eventStore,
        dataSource,
        close: async () => {
          await dataSource.destroy();
          await eventStore.close();
          await db.close();
        },
      };
    },
  }));
});
