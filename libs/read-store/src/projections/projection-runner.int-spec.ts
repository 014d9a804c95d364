import { Pool } from 'pg';
import { createPostgresEventStore } from '@lifecycle/event-store';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { openPostgresReadStore } from '../data-source/read-store-data-source';
import { projectionRunnerContract } from '../testing/projection-runner.contract';
import { TALLY_READ_MODELS } from '../testing/tally.read-model';

describeWithPostgres('projection runner on Postgres', () => {
  projectionRunnerContract(async () => {
    const database = await createTestDatabase('le_read_store');
    const pool = new Pool({ connectionString: database.url, max: 4 });
    const eventStore = await createPostgresEventStore(pool);
    const dataSource = await openPostgresReadStore(database.url, TALLY_READ_MODELS);
    return {
      eventStore,
      dataSource,
      close: async () => {
        await dataSource.destroy();
        await eventStore.close();
        await pool.end();
        await database.drop();
      },
    };
  });
});
