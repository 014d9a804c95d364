import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

/** `npm start` as a user runs it (the embedded engine, its data in `dataDir`), until `done` shows in its output. */
async function startEngine(dataDir: string, done: RegExp, env: Record<string, string> = {}): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, ['-r', './bin/register.js', 'apps/engine/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'warn', LIFECYCLE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (done.test(out)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then(() => reject(new Error(`the engine exited before printing ${done}:\n${out.slice(-4_000)}`)));
    });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return out;
}

describe('npm start on an empty data dir (the quick start)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'le-first-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('imports the bundled CDNOW sample and prints the segment and lifecycle distributions with the admin key', async () => {
    const out = await startEngine(dataDir, /lifecycle stages as of .*\n/);
    const key = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    expect(out).toContain(`local admin key (x-api-key): ${key}`);
    expect(out).toMatch(/First start: imported the bundled CDNOW sample \(6,919 purchases of 2,357 customers/);
    // Every customer bought before 1998-07-01, so the stages add up to 2,357; segments list customers per segment.
    const stages = /lifecycle stages as of 1998-07-01 \(2,357 customers\): new (\d+), active (\d+), dormant (\d+), lost (\d+)/.exec(out);
    expect(stages).not.toBeNull();
    expect(stages!.slice(1).map(Number).reduce((a, b) => a + b)).toBe(2_357);
    const scored = Number(/RFM segments as of 1998-07-01 \(([\d,]+) customers who bought in the last 365 days\)/.exec(out)?.[1]?.replace(/,/g, ''));
    const perSegment = [...out.matchAll(/^ {4}\S.*?\s+(\d+)\s+[\d.]+%$/gm)].map((m) => Number(m[1]));
    expect(scored).toBeGreaterThan(0);
    expect(perSegment.length).toBeGreaterThan(1);
    expect(perSegment.reduce((a, b) => a + b)).toBe(scored);
    expect(JSON.parse(readFileSync(join(dataDir, 'sample-data.json'), 'utf8'))).toMatchObject({ state: 'done', recorded: 6_919 });
  }, 600_000);

  it('does not import again on the next start', async () => {
    const out = await startEngine(dataDir, /local admin key.*\n/);
    expect(out).not.toContain('First start');
    expect(out).toContain('Lifecycle Engine is up');
  }, 300_000);
});

describe('npm start with LIFECYCLE_SAMPLE_DATA=off', () => {
  it('starts on an empty log and imports nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'le-first-start-off-'));
    try {
      const out = await startEngine(dataDir, /local admin key.*\n/, { LIFECYCLE_SAMPLE_DATA: 'off' });
      expect(out).not.toContain('First start');
      expect(out).not.toContain('CDNOW');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
