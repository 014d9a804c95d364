import { createEmbeddedEventStore, EmbeddedDatabase } from '@lifecycle/event-store';
import { openEmbeddedReadStore } from '@lifecycle/read-store';
import { customerSummaryRebuildContract } from './customer-summary.rebuild.contract';
import { customerSummaryReadModel } from './customer-summary.read-model';

describe('customer summary rebuilt over CDNOW on the embedded database (PGlite)', () => {
  customerSummaryRebuildContract(async () => {
    const db = await EmbeddedDatabase.open();
    const eventStore = await createEmbeddedEventStore(db);
    const dataSource = await openEmbeddedReadStore(db, customerSummaryReadModel);
    return {
      eventStore,
      dataSource,
      label: 'PGlite (in memory)',
      close: async () => {
        await dataSource.destroy();
        await eventStore.close();
        await db.close();
      },
    };
  });
});
