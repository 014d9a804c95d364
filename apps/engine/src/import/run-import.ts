import type { LoyaltyRules } from '@lifecycle/domain';
import type { EngineConfig } from '../config/engine-config';
import { type Clock, SystemClock } from '../storage/clock';
import type { Storage } from '../storage/storage';
import { importCdnow } from './cdnow/import-cdnow';
import { ImportFeed, type ImportOptions, importProcessor, type ImportSummary } from './import-feed';
import { importOnlineRetail } from './online-retail/import-online-retail';

export type ImportSource = ImportSummary['source'];

export interface ImportTarget {
  readonly storage: Storage;
  readonly config: EngineConfig;
  readonly rules: LoyaltyRules;
  /** Bookkeeping time (recordedAt); the facts carry their own time. */
  readonly clock?: Clock;
}

/** Imports a data set file into the log through the batched command path. */
export async function runImport(source: ImportSource, path: string, target: ImportTarget, options: ImportOptions = {}): Promise<ImportSummary> {
  const processor = importProcessor(target.storage, target.config, target.rules, target.clock ?? new SystemClock());
  const feed = new ImportFeed(processor, target.config, options.batchSize);
  switch (source) {
    case 'cdnow':
      return importCdnow(path, feed, options);
    case 'online-retail':
      return importOnlineRetail(path, feed, options);
    default: {
      const unknown: never = source;
      throw new Error(`no importer for ${String(unknown)}`);
    }
  }
}
