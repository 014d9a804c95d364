import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded quick start needs an admin key and a master key without any setup. They are made
 * once and kept next to the data (mode 0600), so a restart finds the same ones.
 */
export function localSecret(dataDir: string, file: string, make: () => string): { value: string; created: boolean } {
  const path = join(dataDir, file);
  try {
    return { value: readFileSync(path, 'utf8').trim(), created: false };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const value = make();
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  }
}

export const newApiKey = () => `le_${randomBytes(24).toString('base64url')}`;
export const newMasterKey = () => randomBytes(32).toString('base64');

/** Accepts 32 bytes as base64 or hex. */
export function parseMasterKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('LIFECYCLE_MASTER_KEY must be 32 bytes, as base64 or 64 hex digits');
  return key;
}
