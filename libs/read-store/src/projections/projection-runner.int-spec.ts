import { describeWithPostgres } from '@lifecycle/testing';
import { projectionRunnerContract } from '../testing/projection-runner.contract';
import { freshPostgresReadModelStores } from '../testing/read-model-stores';
import { TALLY_READ_MODELS } from '../testing/tally.read-model';

describeWithPostgres('projection runner on Postgres', () => {
  projectionRunnerContract(() => freshPostgresReadModelStores('le_read_store', TALLY_READ_MODELS));
});
