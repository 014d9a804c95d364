import { freshPostgresReadModelStores } from '@lifecycle/read-store/testing/read-model-stores';
import { describeWithPostgres } from '@lifecycle/testing';
import { LOYALTY_READ_MODELS, loyaltyRebuildContract } from './loyalty-rebuild.contract';

describeWithPostgres('points and tier rebuilds on Postgres', () => {
  loyaltyRebuildContract(() => freshPostgresReadModelStores('le_loyalty_rebuild', LOYALTY_READ_MODELS));
});
