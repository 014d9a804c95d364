import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedReadModelStores } from '@lifecycle/read-store/testing/read-model-stores';
import { customerSummaryCrashContract } from './customer-summary.crash.contract';
import { customerSummaryReadModel } from './customer-summary.read-model';

describe('customer summary on the embedded database (PGlite on disk), projector killed mid-rebuild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'le-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  customerSummaryCrashContract(async () => ({
    childArgs: ['embedded', join(dir, 'pglite')],
    open: () => embeddedReadModelStores(customerSummaryReadModel, join(dir, 'pglite')),
  }));
});
