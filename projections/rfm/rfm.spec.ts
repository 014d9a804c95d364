import { openReadModelHarness } from '../testing/read-model-harness';
import { rfmContract } from './rfm.contract';

rfmContract('PGlite', openReadModelHarness);
