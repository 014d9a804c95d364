import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface KilledRebuild {
  /** What the child had reported processing when it was killed. */
  readonly reported: number;
  readonly finishedFirst: boolean;
}

/**
 * Starts rebuild-child.ts and kills it with SIGKILL as soon as it reports having processed at least
 * `killAfter` events: no shutdown hook, no rollback, no flush; whatever was committed stays.
 */
export function killMidRebuild(args: readonly string[], killAfter: number): Promise<KilledRebuild> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', join(ROOT, 'bin', 'register.js'), join(__dirname, 'rebuild-child.ts'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let reported = 0;
    let finishedFirst = false;
    let stderr = '';
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'done') finishedFirst = true;
        const match = /^processed (\d+)$/.exec(line);
        if (match) reported = Math.max(reported, Number(match[1]));
        if ((reported >= killAfter || finishedFirst) && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ reported, finishedFirst });
      else reject(new Error(`the rebuild child exited with ${code ?? signal}: ${stderr}`));
    });
  });
}
