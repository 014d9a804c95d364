import { Bench } from 'tinybench';

/**
 * Throughput of an async operation, by tinybench: a warm-up, then `iterations` sequential runs.
 * Returns operations per second (mean over the samples).
 */
export async function opsPerSecond(name: string, operation: () => Promise<unknown>, iterations: number): Promise<number> {
  const bench = new Bench({ name, iterations, time: 0, warmup: true, warmupIterations: Math.max(5, Math.floor(iterations / 20)), warmupTime: 0 });
  bench.add(name, operation);
  await bench.run();
  const result = bench.tasks[0]?.result as { throughput?: { mean: number }; error?: unknown; state?: string } | undefined;
  if (!result || !result.throughput) throw new Error(`benchmark ${name} failed: ${String((result as { error?: unknown })?.error ?? 'no result')}`);
  return result.throughput.mean;
}

/** Resident set size of a process, in MiB, read from /proc (Linux). */
export async function rssMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}
