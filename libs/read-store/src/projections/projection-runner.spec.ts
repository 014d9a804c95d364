import { projectionRunnerContract } from '../testing/projection-runner.contract';
import { embeddedReadModelStores } from '../testing/read-model-stores';
import { TALLY_READ_MODELS } from '../testing/tally.read-model';

describe('projection runner on the embedded database (PGlite)', () => {
  projectionRunnerContract(() => embeddedReadModelStores(TALLY_READ_MODELS));
});
