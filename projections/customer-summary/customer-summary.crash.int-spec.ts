import { postgresReadModelStores } from '@lifecycle/read-store/testing/read-model-stores';
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
      open: () => postgresReadModelStores(database.url, customerSummaryReadModel, 2),
    };
  });
});
