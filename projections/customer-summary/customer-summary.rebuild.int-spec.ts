import { freshPostgresReadModelStores } from '@lifecycle/read-store/testing/read-model-stores';
import { describeWithPostgres } from '@lifecycle/testing';
import { customerSummaryRebuildContract } from './customer-summary.rebuild.contract';
import { customerSummaryReadModel } from './customer-summary.read-model';

describeWithPostgres('customer summary rebuilt over CDNOW on Postgres', () => {
  customerSummaryRebuildContract(async () => ({ ...(await freshPostgresReadModelStores('le_summary_rebuild', customerSummaryReadModel)), label: 'Postgres' }));
});
