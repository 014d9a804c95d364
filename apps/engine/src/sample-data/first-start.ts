import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoyaltyRules } from '@lifecycle/domain';
import { lifecycleDistribution, type LifecycleDistribution, segmentDistribution, type SegmentDistribution } from '@lifecycle/projections';
import type { DataSource } from 'typeorm';
import type { EngineConfig } from '../config/engine-config';
import type { ImportSummary } from '../import/import-feed';
import { runImport } from '../import/run-import';
import type { Storage } from '../storage/storage';

/** The bundled CDNOW sample (attribution in cdnow/README.md). */
export const SAMPLE_FILE = join(__dirname, 'cdnow', 'CDNOW_sample.txt');
/** The sample's history ends on 1998-06-30: its distributions are shown as of the end of that day. */
export const SAMPLE_AS_OF = '1998-07-01T00:00:00.000Z';
const MARKER = 'sample-data.json';

/** `LIFECYCLE_SAMPLE_DATA=off` turns the first-start import off; read once, at start-up. */
export const sampleDataWanted = (env: NodeJS.ProcessEnv): boolean => !['off', 'false', '0', 'no'].includes((env.LIFECYCLE_SAMPLE_DATA ?? '').trim().toLowerCase());

/**
 * Whether this start should import the sample: the embedded store on disk (never in-memory tests,
 * never a shared Postgres), and either an empty log or an import a previous start began and did
 * not finish (a marker file in the data dir says which; the import is idempotent, so resuming it
 * is safe).
 */
export async function shouldImportSample(storage: Storage, config: EngineConfig, wanted: boolean): Promise<boolean> {
  if (!wanted || storage.kind !== 'embedded' || config.inMemory || config.databaseUrl) return false;
  const marker = join(config.dataDir, MARKER);
  if (existsSync(marker)) return (JSON.parse(readFileSync(marker, 'utf8')) as { state?: string }).state === 'importing';
  return (await storage.eventStore.readAll({ maxCount: 1 })).length === 0;
}

/** Imports the bundled sample through the batched command path, keeping the marker up to date. */
export async function importSample(storage: Storage, config: EngineConfig, rules: LoyaltyRules): Promise<ImportSummary> {
  mkdirSync(config.dataDir, { recursive: true });
  const marker = join(config.dataDir, MARKER);
  writeFileSync(marker, `${JSON.stringify({ state: 'importing', file: 'CDNOW_sample.txt' })}\n`);
  const summary = await runImport('cdnow', SAMPLE_FILE, { storage, config, rules });
  writeFileSync(marker, `${JSON.stringify({ state: 'done', file: 'CDNOW_sample.txt', recorded: summary.recorded, at: new Date().toISOString() })}\n`);
  return summary;
}

export interface SampleDistributions {
  readonly segments: SegmentDistribution;
  readonly stages: LifecycleDistribution | null;
}

export async function sampleDistributions(readStore: DataSource, asOf = SAMPLE_AS_OF): Promise<SampleDistributions> {
  return { segments: await segmentDistribution(readStore, asOf), stages: await lifecycleDistribution(readStore, asOf) };
}

const pct = (share: number) => `${(100 * share).toFixed(1)}%`;
const pad = (text: string, width: number) => text.padEnd(width);

/** What the first start prints: the import, the RFM segments and value groups, the lifecycle stages. */
export function firstStartLines(summary: ImportSummary, seconds: number, d: SampleDistributions): string[] {
  const day = SAMPLE_AS_OF.slice(0, 10);
  const lines = [
    `First start: imported the bundled CDNOW sample (${summary.recorded.toLocaleString('en')} purchases of 2,357 customers, 1997-01-01..1998-06-30) in ${seconds.toFixed(1)} s; LIFECYCLE_SAMPLE_DATA=off skips this`,
    `  RFM segments as of ${day} (${d.segments.customers.toLocaleString('en')} customers who bought in the last ${d.segments.windowDays ?? '?'} days):`,
  ];
  const width = Math.max(0, ...d.segments.segments.map((s) => s.name.length));
  for (const s of d.segments.segments) lines.push(`    ${pad(s.name, width)}  ${String(s.customers).padStart(5)}  ${pct(s.share).padStart(6)}`);
  lines.push(`  value groups: ${d.segments.valueGroups.map((g) => `${g.name} ${g.customers} (${pct(g.share)})`).join(', ')}`);
  if (d.stages) {
    const s = d.stages.stages;
    lines.push(
      `  lifecycle stages as of ${day} (${d.stages.customers.toLocaleString('en')} customers): ` +
        `new ${s.new}, active ${s.active}, dormant ${s.dormant}, lost ${s.lost}; churn warnings ${d.stages.churnWarnings}`,
    );
  }
  lines.push('  try: GET /customers/00004/summary?asOf=1998-07-01 with the admin key, or (engine stopped) npm run -s lifecycle -- report segments --as-of 1998-07-01');
  return lines;
}
