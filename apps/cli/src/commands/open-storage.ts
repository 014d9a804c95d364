import { HostedProjections, type ProjectionFamily } from '@lifecycle/read-store';
import { loadEngineConfig } from '@lifecycle/engine/config/engine-config';
import { setFoldThreadMode } from '@lifecycle/projections';
import { openStorage } from '@lifecycle/engine/storage/open-storage';
import type { Storage } from '@lifecycle/engine/storage/storage';

/**
 * The CLI reads the same storage the engine uses (DATABASE_URL or the embedded data dir).
 * Embedded data belongs to one process at a time: stop the engine before pointing the CLI at it.
 */
export async function withStorage<T>(work: (storage: Storage) => Promise<T>): Promise<T> {
  const config = loadEngineConfig(process.env);
  setFoldThreadMode(config.foldThread);
  const storage = await openStorage(config);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/**
 * Runs `work` on the read store with these projections current. On the embedded store the CLI owns
 * the data (the engine is stopped), so it brings them up to the log head itself first; on Postgres
 * the engine's projector keeps the tables current and the CLI only reads them.
 */
export async function withCurrentProjections<T>(families: readonly ProjectionFamily[], work: (storage: Storage) => Promise<T>): Promise<T> {
  return withStorage(async (storage) => {
    if (storage.kind === 'embedded') {
      const hosted = new HostedProjections({ dataSource: storage.readStore, eventStore: storage.eventStore, families, takeOver: true });
      await hosted.start();
      try {
        for (const family of families) await hosted.catchUp(family.name);
      } finally {
        await hosted.stop();
      }
    }
    return work(storage);
  });
}
