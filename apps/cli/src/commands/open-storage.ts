import { loadEngineConfig } from '@lifecycle/engine/config/engine-config';
import { openStorage } from '@lifecycle/engine/storage/open-storage';
import type { Storage } from '@lifecycle/engine/storage/storage';

/**
 * The CLI reads the same storage the engine uses (DATABASE_URL or the embedded data dir).
 * Embedded data belongs to one process at a time: stop the engine before pointing the CLI at it.
 */
export async function withStorage<T>(work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage(loadEngineConfig(process.env));
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}
