import { embeddedReadModelStores } from '@lifecycle/read-store/testing/read-model-stores';
import { LOYALTY_READ_MODELS, loyaltyRebuildContract } from './loyalty-rebuild.contract';

describe('points and tier rebuilds on PGlite', () => {
  loyaltyRebuildContract(() => embeddedReadModelStores(LOYALTY_READ_MODELS));
});
