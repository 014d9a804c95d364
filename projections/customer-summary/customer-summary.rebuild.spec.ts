import { embeddedReadModelStores } from '@lifecycle/read-store/testing/read-model-stores';
import { customerSummaryRebuildContract } from './customer-summary.rebuild.contract';
import { customerSummaryReadModel } from './customer-summary.read-model';

describe('customer summary rebuilt over CDNOW on the embedded database (PGlite)', () => {
  customerSummaryRebuildContract(async () => ({ ...(await embeddedReadModelStores(customerSummaryReadModel)), label: 'PGlite (in memory)' }));
});
