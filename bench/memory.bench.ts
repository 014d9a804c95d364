import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './bench-table';
import { rssMiB } from './measure';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The engine as `npm start` runs it (embedded, files on disk), in its own process: resident
 * memory idle, then after `events` purchases sent over HTTP (16 requests in flight).
 */
export async function memoryBench(events: number): Promise<BenchSection> {
  const dataDir = mkdtempSync(join(tmpdir(), 'le-bench-mem-'));
  const key = `bench-${randomBytes(12).toString('hex')}`;
  try {
    // PGlite's first start runs initdb, which leaves a much larger heap behind than a restart does;
    // both are reported, and the load runs on the restarted engine, as a deployed one would be.
    const first = await startEngine(dataDir, key);
    const firstIdle = await first.idleRss();
    await first.stop();
    const engine = await startEngine(dataDir, key);
    try {
      const idle = await engine.idleRss();
      let next = 0;
      const started = performance.now();
      const worker = async () => {
        for (let n = next++; n < events; n = next++) {
          const res = await fetch(`${engine.url}/customers/m-${n % 10_000}/purchases`, {
            method: 'POST',
            headers: { 'x-api-key': key, 'content-type': 'application/json' },
            body: JSON.stringify({ orderId: `o-${n}`, amount: 500 + (n % 9000), currency: 'EUR', occurredAt: '2024-03-01T10:00:00Z' }),
          });
          if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const seconds = (performance.now() - started) / 1000;
      const loaded = await engine.idleRss();
      return {
        title: 'Engine memory (embedded, own process)',
        lines: [
          { name: 'RSS idle, first start (PGlite initdb)', value: firstIdle, unit: 'MiB' },
          { name: 'RSS idle, restarted', value: idle, unit: 'MiB' },
          { name: `RSS after ${events.toLocaleString('en-US')} events`, value: loaded, unit: 'MiB', note: '10,000 customers' },
          { name: 'POST purchases, 16 in flight', value: events / seconds, unit: 'events/s', note: `${seconds.toFixed(1)} s` },
        ],
      };
    } finally {
      await engine.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function startEngine(dataDir: string, key: string) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['-r', './bin/register.js', 'apps/engine/src/main.ts'], {
    env: { ...process.env, LIFECYCLE_DATA_DIR: dataDir, PORT: String(port), LIFECYCLE_ADMIN_KEY: key, LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 250) {
    if (waited > 120_000) throw new Error('the engine did not become ready in 120 s');
    if (await fetch(`${url}/ready`).then((r) => r.ok, () => false)) break;
    await sleep(250);
  }
  return {
    url,
    /** RSS after two quiet seconds. */
    idleRss: async () => {
      await sleep(2_000);
      return rssMiB(child.pid!);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
