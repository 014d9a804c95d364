import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The public data sets (CDNOW, UCI Online Retail) live in the project's shared folder, beside the
 * repository (../shared/data, with SOURCES.md), not in it. `LIFECYCLE_SHARED_DATA` points elsewhere.
 */
export function sharedDataDir(): string {
  return process.env.LIFECYCLE_SHARED_DATA ?? resolve(__dirname, '../../../../shared/data');
}

export function sharedDataFile(name: string): string {
  const path = join(sharedDataDir(), name);
  if (!existsSync(path)) {
    throw new Error(`${name} not found in ${sharedDataDir()}: set LIFECYCLE_SHARED_DATA to the folder holding the shared data sets`);
  }
  return path;
}
