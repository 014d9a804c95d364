import { Pool } from 'pg';
import { createPostgresEventStore } from '@lifecycle/event-store';
import { openPostgresReadStore } from '@lifecycle/read-store';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { customerSummaryRebuildContract } from './customer-summary.rebuild.contract';
import { customerSummaryReadModel } from './customer-summary.read-model';

describeWithPostgres('customer summary rebuilt over CDNOW on Postgres', () => {
  customerSummaryRebuildContract(async () => {
    const database = await createTestDatabase('le_summary_rebuild');
    const pool = new Pool({ connectionString: database.url, max: 4 });
    const eventStore = await createPostgresEventStore(pool);
    const dataSource = await openPostgresReadStore(database.url, customerSummaryReadModel);
    return {
      eventStore,
      dataSource,
      label: 'Postgres',
      close: async () => {
        await dataSource.destroy();
        await eventStore.close();
        await pool.end();
        await database.drop();
      },
    };
  });
});
