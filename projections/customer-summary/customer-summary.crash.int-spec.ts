import { Pool } from 'pg';
import { createPostgresEventStore } from '@lifecycle/event-store';
import { openPostgresReadStore } from '@lifecycle/read-store';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { customerSummaryCrashContract } from './customer-summary.crash.contract';
import { customerSummaryReadModel } from './customer-summary.read-model';

describeWithPostgres('customer summary on Postgres, projector killed mid-rebuild', () => {
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await drop?.();
  });

  customerSummaryCrashContract(async () => {
    const database = await createTestDatabase('le_summary_crash');
    drop = database.drop;
    return {
      childArgs: ['postgres', database.url],
      open: async () => {
        const pool = new Pool({ connectionString: database.url, max: 2 });
        const eventStore = await createPostgresEventStore(pool);
        const dataSource = await openPostgresReadStore(database.url, customerSummaryReadModel);
        return {
          eventStore,
          dataSource,
          close: async () => {
            await dataSource.destroy();
            await eventStore.close();
            await pool.end();
          },
        };
      },
    };
  });
});
