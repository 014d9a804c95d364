import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type EventStore, type LogPosition, START } from '@lifecycle/event-store';
import { type ProjectionDefinition, ProjectionRunner } from '@lifecycle/read-store';

/** One full build of `projections` (together) from the start of the log, in a runner of their own; events per second. */
export async function timedBuild(dataSource: DataSource, eventStore: EventStore, projections: ProjectionDefinition | readonly ProjectionDefinition[], events: number): Promise<number> {
  const built = Array.isArray(projections) ? projections : [projections as ProjectionDefinition];
  const runner = new ProjectionRunner({ dataSource, eventStore, projections: built, switchWhenCaughtUp: false });
  const started = performance.now();
  await runner.start();
  for (const p of built) await runner.whenCaughtUp(p.name, p.version);
  const elapsed = performance.now() - started;
  await runner.stop();
  return Math.round((events * 1000) / elapsed);
}

/** The raw read rate the issue measures replay against: readAll over the whole log, in pages of `pageSize`. */
export async function timedRead(eventStore: EventStore, pageSize = 1000): Promise<number> {
  const started = performance.now();
  let after: LogPosition = START;
  let count = 0;
  for (;;) {
    const page = await eventStore.readAll({ after, maxCount: pageSize });
    if (page.length === 0) break;
    count += page.length;
    after = page[page.length - 1]!.position;
  }
  return Math.round((count * 1000) / (performance.now() - started));
}

/** A read-model table's rows of one version as text, ordered by key: two builds must agree byte for byte. */
export async function dumpVersion(dataSource: DataSource, table: string, key: string, version: number): Promise<{ text: string; rows: number; sha256: string }> {
  const rows = (await dataSource.query(
    `SELECT (to_jsonb(t) - 'projection_version')::text AS row FROM ${table} t WHERE projection_version = $1 ORDER BY ${key}`,
    [version],
  )) as { row: string }[];
  const text = rows.map((r) => r.row).join('\n');
  return { text, rows: rows.length, sha256: createHash('sha256').update(text).digest('hex') };
}
