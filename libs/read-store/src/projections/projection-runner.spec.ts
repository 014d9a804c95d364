import { createEmbeddedEventStore, EmbeddedDatabase } from '@lifecycle/event-store';
import { openEmbeddedReadStore } from '../data-source/read-store-data-source';
import { projectionRunnerContract } from '../testing/projection-runner.contract';
import { TALLY_READ_MODELS } from '../testing/tally.read-model';

describe('projection runner on the embedded database (PGlite)', () => {
  projectionRunnerContract(async () => {
    const db = await EmbeddedDatabase.open();
    const eventStore = await createEmbeddedEventStore(db);
    const dataSource = await openEmbeddedReadStore(db, TALLY_READ_MODELS);
    return {
      eventStore,
      dataSource,
      close: async () => {
        await dataSource.destroy();
        await eventStore.close();
        await db.close();
      },
    };
  });
});
