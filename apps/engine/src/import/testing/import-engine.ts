import { EngineConfig } from '../../config/engine-config';
import { startTestEngine, type TestEngine } from '../../testing/test-engine';
import type { ImportSummary } from '../import-feed';
import { type ImportSource, runImport } from '../run-import';

/** An in-memory engine and a way to import files into its log. */
export async function startImportEngine(): Promise<{ t: TestEngine; importFile: (source: ImportSource, path: string) => Promise<ImportSummary> }> {
  const t = await startTestEngine();
  const config = t.engine.app.get(EngineConfig);
  return { t, importFile: (source, path) => runImport(source, path, { storage: t.engine.storage, config, rules: t.engine.rules }) };
}

/** Events in the whole log. */
export async function logSize(t: TestEngine): Promise<number> {
  const { rows } = await t.engine.storage.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM events');
  return Number(rows[0]!.n);
}
