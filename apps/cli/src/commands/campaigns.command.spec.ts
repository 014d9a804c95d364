import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../main';

const example = join(__dirname, '..', '..', '..', '..', 'examples', 'campaigns', 'winback.yaml');

/** Runs `lifecycle <args>` in process and returns what it printed. */
async function lifecycle(...args: string[]): Promise<string> {
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await buildCli().exitOverride().parseAsync(['node', 'lifecycle', ...args]);
  } finally {
    write.mockRestore();
  }
  return out.join('');
}

// The ops commands on an embedded data dir of their own (the engine is not running, as the CLI requires).
describe('lifecycle campaigns (embedded data dir)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-campaigns-'));
  const env = { ...process.env };
  beforeAll(() => {
    process.env.LIFECYCLE_DATA_DIR = dir;
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    process.env = env;
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, starts, pauses, lists and reports a campaign, recording who did each', async () => {
    expect(await lifecycle('campaigns', 'create', '--id', 'spring', '--file', example, '--actor', 'anna')).toMatch(/^spring: draft \(by anna at /);
    expect(await lifecycle('campaigns', 'start', 'spring', '--actor', 'bob')).toMatch(/^spring: running \(by bob at /);
    expect(await lifecycle('campaigns', 'pause', 'spring', '--actor', 'bob')).toMatch(/^spring: paused/);
    const list = JSON.parse(await lifecycle('campaigns', 'list', '--format', 'json')) as Record<string, unknown>[];
    expect(list).toEqual([{ campaign: 'spring', name: 'Win back the dormant', status: 'paused', enrolled: 0, heldOut: 0, converted: 0, exhausted: 0 }]);
    const report = JSON.parse(await lifecycle('campaigns', 'report', 'spring', '--format', 'json')) as { stages: unknown[]; overall: { treated: { customers: number } } };
    expect(report.stages).toHaveLength(3);
    expect(report.overall.treated.customers).toBe(0);
  });

  it('refuses a stopped campaign\'s start and a definition with a bad field, naming it', async () => {
    await lifecycle('campaigns', 'stop', 'spring');
    await expect(lifecycle('campaigns', 'start', 'spring')).rejects.toMatchObject({ code: 'CAMPAIGN.INVALID_TRANSITION' });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(example, 'utf8').replace('holdoutShare: 0.1', 'holdoutShare: 0.9'));
    await expect(lifecycle('campaigns', 'create', '--id', 'other', '--file', bad)).rejects.toMatchObject({ details: [expect.objectContaining({ field: 'holdoutShare' })] });
  });
});
