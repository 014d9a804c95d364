import 'reflect-metadata';
import { Command, Option } from 'commander';
import { renderMarkdown, renderSection, type BenchSection } from './bench-table';
import { openEmbeddedBackend, openPostgresBackend, postgresReachable, type Backend } from './backends';
import { importBench } from './import.bench';
import { ingestBench, kafkaReachable } from './ingest.bench';
import { integrationEventsBench } from './integration-events.bench';
import { memoryBench } from './memory.bench';
import { projectionsBench } from './projections.bench';
import { campaignsBench } from './campaigns.bench';
import { clvBench } from './clv.bench';
import { rfmBench } from './rfm.bench';
import { lifecycleBench } from './lifecycle.bench';
import { storeBench } from './store.bench';

/**
 * `npm run bench`: every measurement beside its raw baseline, in one run, one table per section.
 * `--quick` shrinks the sizes for a smoke run; `--markdown` also prints tables for the README.
 */
async function main(): Promise<void> {
  const options = new Command('bench')
    .addOption(new Option('--only <sections...>', 'sections to run').choices(['store', 'memory', 'ingest', 'clv', 'rfm', 'import', 'projections', 'lifecycle', 'campaigns', 'integration-events']))
    .option('--quick', 'small sizes (a smoke run, not for the README)')
    .option('--markdown', 'print the tables as Markdown too')
    .parse()
    .opts<{ only?: string[]; quick?: boolean; markdown?: boolean }>();
  const wants = (s: string) => !options.only || options.only.includes(s);
  const q = options.quick === true;
  const sections: BenchSection[] = [];
  const print = (section: BenchSection) => {
    sections.push(section);
    process.stdout.write(`\n${renderSection(section)}\n`);
  };

  process.stdout.write(`Lifecycle Engine benchmarks: node ${process.version}, ${(await import('node:os')).cpus().length} cores${q ? ', quick sizes' : ''}\n`);
  if (wants('store')) {
    const backends: (() => Promise<Backend>)[] = [];
    if (await postgresReachable()) backends.push(openPostgresBackend);
    else process.stdout.write('\nPostgres not reachable: the postgres lines are skipped (set TEST_DATABASE_URL)\n');
    backends.push(openEmbeddedBackend);
    for (const open of backends) {
      const backend = await open();
      try {
        const embedded = backend.name === 'embedded';
        print(
          await storeBench(backend, {
            singleAppends: q ? 200 : embedded ? 2_000 : 3_000,
            httpCommands: q ? 100 : 1_000,
            batches: q ? 5 : 30,
            scanEvents: q ? 5_000 : 50_000,
          }),
        );
      } finally {
        await backend.close();
      }
    }
  }
  if (wants('memory')) print(await memoryBench(q ? 5_000 : 100_000));
  if (wants('ingest')) {
    if (!(await kafkaReachable())) process.stdout.write('\nKafka not reachable: the ingest section is skipped (npm run kafka:start, or set KAFKA_BROKERS)\n');
    else {
      const backends = [...((await postgresReachable()) ? [openPostgresBackend] : []), openEmbeddedBackend];
      print(await ingestBench(backends, { messages: q ? 2_000 : 20_000, customers: q ? 200 : 2_000 }));
    }
  }
  if (wants('clv')) print(await clvBench({ runs: q ? 1 : 5, embeddedMaster: !q }));
  if (wants('rfm')) print(await rfmBench({ runs: q ? 3 : 9 }));
  if (wants('lifecycle')) print(await lifecycleBench({ file: q ? 'CDNOW_sample.txt' : 'CDNOW_master.txt' }));
  // The publisher over CDNOW master even with --quick: the sample file has another column layout.
  if (wants('integration-events')) print(await integrationEventsBench({ file: 'CDNOW_master.txt' }));
  if (wants('import')) print(await importBench({ quick: q }));
  if (wants('projections')) print(await projectionsBench({ quick: q }));
  if (wants('campaigns')) {
    const backends: (() => Promise<Backend>)[] = [openEmbeddedBackend];
    if (await postgresReachable()) backends.unshift(openPostgresBackend);
    for (const open of backends) {
      const backend = await open();
      try {
        print(await campaignsBench(backend, { enrolments: q ? 300 : undefined, timers: q ? 2_000 : 100_000, rawAppends: q ? 200 : 2_000 }));
      } finally {
        await backend.close();
      }
    }
  }
  if (options.markdown) process.stdout.write(`\n${sections.map(renderMarkdown).join('\n\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
