/**
 * A projector process for crash tests: rebuilds the customer summary at a given version and prints
 * `processed <n>` as it goes, then `done`. The test kills it with SIGKILL somewhere in between.
 *
 *   node -r ./bin/register.js projections/testing/rebuild-child.ts postgres <url> <version> <batchSize>
 *   node -r ./bin/register.js projections/testing/rebuild-child.ts embedded <dataDir> <version> <batchSize>
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { createEmbeddedEventStore, createPostgresEventStore, EmbeddedDatabase } from '@lifecycle/event-store';
import { openEmbeddedReadStore, openPostgresReadStore, ProjectionRunner, rowProjection } from '@lifecycle/read-store';
import { CustomerSummary } from '../customer-summary/customer-summary.entity';
import { customerSummaryFold } from '../customer-summary/customer-summary.projection';
import { customerSummaryReadModel } from '../customer-summary/customer-summary.read-model';

async function main(): Promise<void> {
  const [kind, target, version, batchSize] = process.argv.slice(2);
  const embedded = kind === 'embedded' ? await EmbeddedDatabase.open(target) : undefined;
  const pool = kind === 'postgres' ? new Pool({ connectionString: target, max: 2 }) : undefined;
  const eventStore = embedded ? await createEmbeddedEventStore(embedded) : await createPostgresEventStore(pool!);
  const dataSource = embedded ? await openEmbeddedReadStore(embedded, customerSummaryReadModel) : await openPostgresReadStore(target!, customerSummaryReadModel);
  const projection = rowProjection({ ...customerSummaryFold, version: Number(version) }, { entity: CustomerSummary, key: 'customerId' });
  const runner = new ProjectionRunner({ dataSource, eventStore, projections: [projection], batchSize: Number(batchSize), switchWhenCaughtUp: false, eventsBehind: null });
  await runner.start();
  const report = setInterval(() => {
    void runner.status().then(([s]) => process.stdout.write(`processed ${s!.eventsProcessed}\n`));
  }, 20);
  await runner.whenCaughtUp(projection.name, projection.version);
  clearInterval(report);
  process.stdout.write('done\n');
  await runner.stop();
  await dataSource.destroy();
  await eventStore.close();
  await pool?.end();
  await embedded?.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
