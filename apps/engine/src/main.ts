import { createEngine } from './engine';
import { ConfigError, loadEngineConfig } from './config/engine-config';
import { runsIngest } from './ingest/ingest.providers';

async function main(): Promise<void> {
  const config = loadEngineConfig(process.env);
  const { app, storage, rules, generatedAdminKey } = await createEngine(config);
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
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
