import { setFoldThreadMode, startFoldThread } from '@lifecycle/projections';
import { createEngine } from './engine';
import { ConfigError, loadEngineConfig } from './config/engine-config';
import { runsIngest } from './ingest/ingest.providers';
import { ProjectionHost, runsProjections } from './projections/projection-host';
import { firstStartLines, importSample, sampleDataWanted, sampleDistributions, shouldImportSample } from './sample-data/first-start';

async function main(): Promise<void> {
  const config = loadEngineConfig(process.env);
  // The fold thread (projections/fold-thread) loads while the engine boots, ready for a rebuild.
  if (runsProjections(config)) {
    setFoldThreadMode(config.foldThread);
    void startFoldThread();
  }
  const { app, storage, rules, generatedAdminKey } = await createEngine(config);
  // The quick start shows value at once: on the first start of the embedded engine, the bundled
  // CDNOW sample goes into the log before the projections start on it.
  let sample: { summary: Awaited<ReturnType<typeof importSample>>; seconds: number } | undefined;
  if (await shouldImportSample(storage, config, sampleDataWanted(process.env))) {
    process.stdout.write('First start of the embedded engine: importing the bundled CDNOW sample (LIFECYCLE_SAMPLE_DATA=off skips this)...\n');
    const started = Date.now();
    sample = { summary: await importSample(storage, config, rules), seconds: (Date.now() - started) / 1000 };
  }
  await app.listen(config.port, '0.0.0.0');
  const url = `http://localhost:${config.port}`;
  const lines = [
    `Lifecycle Engine is up on ${url} (storage: ${storage.kind}${storage.kind === 'embedded' ? `, data in ${config.dataDir}` : ''})`,
    `  OpenAPI: ${url}/docs   health: ${url}/health   ready: ${url}/ready`,
    `  loyalty rules: version ${rules.version} from ${config.rulesFile}`,
  ];
  if (runsIngest(config)) {
    const { ingestGroup, brokers, topics } = config.kafka!;
    lines.push(`  role ${config.role}: Kafka ingest as group ${ingestGroup} on ${brokers.join(',')}, dead letters to ${topics.deadLetters}`);
  }
  if (generatedAdminKey) lines.push(`  local admin key (x-api-key): ${generatedAdminKey}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (sample) {
    const projections = app.get(ProjectionHost);
    if (projections.running) {
      await projections.catchUp('rfm');
      await projections.catchUp('lifecycle');
    }
    process.stdout.write(`${firstStartLines(sample.summary, sample.seconds, await sampleDistributions(storage.readStore)).join('\n')}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
