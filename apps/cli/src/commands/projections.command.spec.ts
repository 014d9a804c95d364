import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventStore, EmbeddedDatabase } from '@lifecycle/event-store';
import { openEmbeddedReadStore } from '@lifecycle/read-store';
import { projectionsCliContract } from '../../../../projections/testing/projections-cli.contract';
import { spendBandFamily } from '../../../../projections/testing/spend-band.family';

describe('lifecycle projections rebuild -> list -> diff (PGlite)', () => {
  projectionsCliContract(async () => {
    const db = await EmbeddedDatabase.open();
    const eventStore = await createEmbeddedEventStore(db);
    const readStore = await openEmbeddedReadStore(db, spendBandFamily.readModel);
    return {
      readStore,
      eventStore,
      exclusive: true,
      close: async () => {
        await readStore.destroy();
        await eventStore.close();
        await db.close();
      },
    };
  });
});

// The commands as typed: the real binary on an embedded data dir of its own.
describe('lifecycle projections (the binary, embedded)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'le-cli-projections-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const lifecycle = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/lifecycle.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, LIFECYCLE_DATA_DIR: dataDir, DATABASE_URL: '', EVENTSTORE_URL: '' },
      timeout: 120_000,
    });

  it('rebuild registers and serves the shipped definition, list shows it, a bad file exits 1 naming the field', () => {
    const rebuilt = lifecycle('projections', 'rebuild', 'customer-summary', '--definition', 'projections/customer-summary/customer-summary.definition.yaml');
    expect(rebuilt.status).toBe(0);
    // Progress goes to stderr, as plain lines when it is not a terminal (an empty log here).
    expect(rebuilt.stderr).toBe('customer-summary v1: 0/0 events, 0 ev/s\n');
    expect(rebuilt.stdout).toMatch(/^customer-summary v1 \(registered\): built over 0 events in [\d.]+ s; now serving$/m);

    const listed = lifecycle('projections', 'list', '--format', 'json');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({
      projections: [expect.objectContaining({ projection: 'customer-summary', version: 1, active: true, status: 'live', drivenBy: null })],
      problems: [],
    });

    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'projection: customer-summary\nversion: two\n');
    const refused = lifecycle('projections', 'rebuild', 'customer-summary', '--definition', bad);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`lifecycle: ${bad}: version: must be a positive integer (got "two")\n`);
  });
});
