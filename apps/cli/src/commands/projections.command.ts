import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { type Command, InvalidArgumentError } from 'commander';
import type { DataSource } from 'typeorm';
import type { EventStore, LogPosition } from '@lifecycle/event-store';
import { PROJECTION_FAMILIES, startFoldThread } from '@lifecycle/projections';
import {
  claimLease, DEFAULT_LEASE_MS, deleteCheckpoint, eventsTableLag, type HostedProjectionStatus, InvalidDefinitionError, listProjections, newLeaseOwner, ProjectionRunner,
  type ProjectionDiff, type ProjectionFamily, readCheckpoints, readDefinitionFile, readDefinitions, registerDefinition, releaseLease,
  switchActiveVersion,
} from '@lifecycle/read-store';
import { formatOption, type OutputFormat, printRows, tableStyle } from './output-format';
import { withStorage } from './open-storage';

/** What the projections commands work on: the read store and the log, directly (no engine in between). */
export interface ProjectionsContext {
  readonly readStore: DataSource;
  readonly eventStore: EventStore;
  readonly families: readonly ProjectionFamily[];
  /** Embedded data belongs to one process (the engine is stopped): leases are taken over, not waited for. */
  readonly exclusive: boolean;
  /** Lag counter; null when the log is not in the read store's database (EventStoreDB). */
  readonly eventsBehind: ((after: LogPosition) => Promise<number>) | null;
  readonly out: (text: string) => void;
  /** Where progress goes: a bar on a terminal, a plain line every few seconds otherwise. */
  readonly progress: { readonly tty: boolean; readonly write: (text: string) => void };
}

export class ProjectionCommandError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ProjectionCommandError';
  }
}

const familyOf = (ctx: ProjectionsContext, name: string): ProjectionFamily => {
  const family = ctx.families.find((f) => f.name === name);
  if (!family) throw new ProjectionCommandError('PROJECTION.UNKNOWN', `no projection ${name}; known: ${ctx.families.map((f) => f.name).join(', ')}`);
  return family;
};

export interface RebuildResult {
  readonly name: string;
  readonly version: number;
  readonly registered: 'new' | 'existing';
  readonly events: number;
  readonly seconds: number;
  readonly switched: boolean;
  readonly activeVersion: number | null;
  /** Who built it: this command, or the process that held the version (a running engine), which this command followed. */
  readonly builtBy: 'this command' | string;
}

/**
 * Registers the file's version and builds it from the start of the log beside the version being
 * served, then switches to it (unless `switchTo` is false). The version is registered and its lease
 * taken in one transaction, so an engine polling the definitions never starts driving it meanwhile;
 * once built and released, the engine picks it up from its checkpoint and keeps it live. A version
 * already registered with the same definition is resumed where it stopped, not started over.
 */
export async function rebuildProjection(
  ctx: ProjectionsContext,
  name: string,
  file: string,
  options: { readonly switchTo: boolean; readonly leaseMs?: number },
): Promise<RebuildResult> {
  const family = familyOf(ctx, name);
  let definition;
  try {
    definition = family.parseDefinition(readDefinitionFile(file));
  } catch (error) {
    if (error instanceof InvalidDefinitionError) throw new InvalidDefinitionError(error.field, error.reason, error.source ?? file);
    throw error;
  }
  const { version } = definition;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const owner = `cli:${newLeaseOwner()}`;
  const { isNew, leased } = await ctx.readStore.transaction(async (manager) => {
    const registeredNow = await registerDefinition(manager, { name, version, definition, switchWhenCaughtUp: options.switchTo });
    return { isNew: registeredNow, leased: await claimLease(manager, name, version, owner, leaseMs, ctx.exclusive) };
  });
  if (!leased) return followElsewhere(ctx, name, version, isNew, options.switchTo);

  const runner = new ProjectionRunner({
    dataSource: ctx.readStore,
    eventStore: ctx.eventStore,
    projections: [family.create(definition)],
    switchWhenCaughtUp: false,
    eventsBehind: ctx.eventsBehind,
  });
  const started = performance.now();
  let leaseLost: (error: Error) => void = () => undefined;
  const lost = new Promise<never>((_, reject) => {
    leaseLost = reject;
  });
  lost.catch(() => undefined);
  const renew = setInterval(() => {
    claimLease(ctx.readStore.manager, name, version, owner, leaseMs, ctx.exclusive).then(
      (held) => held || leaseLost(new ProjectionCommandError('PROJECTION.LEASE_LOST', `${name} v${version}: another process took the version over`)),
      () => undefined, // a missed renewal is retried at the next one
    );
  }, Math.max(100, Math.floor(leaseMs / 3)));
  const progress = progressReporter(ctx, `${name} v${version}`);
  const watch = setInterval(() => {
    void runner.status().then(([s]) => s && progress.update(s.eventsProcessed, s.eventsProcessed + (s.eventsBehind ?? 0), s.eventsPerSecond), () => undefined);
  }, ctx.progress.tty ? 200 : 2000);
  let events = 0;
  try {
    await runner.start();
    await Promise.race([runner.whenCaughtUp(name, version), lost]);
    const [status] = await runner.status();
    events = status?.eventsProcessed ?? 0;
    progress.update(events, events, status?.eventsPerSecond ?? 0);
    if (options.switchTo) await runner.switchTo(name, version);
  } finally {
    clearInterval(watch);
    clearInterval(renew);
    progress.stop();
    await runner.stop();
    await releaseLease(ctx.readStore.manager, name, version, owner).catch(() => undefined);
  }
  const activeVersion = await runner.activeVersion(name);
  return {
    name,
    version,
    registered: isNew ? 'new' : 'existing',
    events,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    switched: activeVersion === version,
    activeVersion,
    builtBy: 'this command',
  };
}

/**
 * The version is driven by another process (a running engine took it over after an earlier
 * `rebuild --no-switch`, say): follow its checkpoint until it has caught up, then switch if asked.
 * Switching needs no lease: it is one transaction on the checkpoint rows, which checks the target.
 */
async function followElsewhere(ctx: ProjectionsContext, name: string, version: number, isNew: boolean, switchTo: boolean): Promise<RebuildResult> {
  const started = performance.now();
  const progress = progressReporter(ctx, `${name} v${version}`);
  let row;
  try {
    for (;;) {
      row = (await readCheckpoints(ctx.readStore.manager, name)).find((r) => r.version === version);
      if (!row) throw new ProjectionCommandError('PROJECTION.UNKNOWN_VERSION', `${name} v${version} has no checkpoint`);
      if (row.status === 'failed') throw new ProjectionCommandError('PROJECTION.FAILED', `${name} v${version} failed in ${row.leaseOwner ?? 'another process'}: ${row.lastError?.message ?? ''}`);
      const behind = ctx.eventsBehind ? await ctx.eventsBehind(row.checkpoint).catch(() => 0) : 0;
      const done = Number(row.eventsProcessed);
      progress.update(done, done + behind, 0);
      if (row.caughtUpAt !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    progress.stop();
  }
  if (switchTo) await ctx.readStore.transaction((manager) => switchActiveVersion(manager, name, version));
  const [active] = (await ctx.readStore.query(`SELECT version FROM projection_checkpoints WHERE projection = $1 AND active`, [name])) as { version: number }[];
  return {
    name,
    version,
    registered: isNew ? 'new' : 'existing',
    events: Number(row.eventsProcessed),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    switched: active?.version === version,
    activeVersion: active?.version ?? null,
    builtBy: row.leaseOwner ?? 'another process',
  };
}

function progressReporter(ctx: ProjectionsContext, label: string) {
  if (ctx.progress.tty) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | eta {eta_formatted}`,
      stream: process.stderr,
    });
    let started = false;
    return {
      update(done: number, total: number, rate: number) {
        if (!started) {
          bar.start(Math.max(total, 1), done, { rate });
          started = true;
        }
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { rate });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = '';
  return {
    update(done: number, total: number, rate: number) {
      const eta = rate > 0 && total > done ? `, eta ${Math.ceil((total - done) / rate)} s` : '';
      const line = `${label}: ${done}/${total} events, ${rate} ev/s${eta}`;
      if (line !== last) ctx.progress.write(`${line}\n`);
      last = line;
    },
    stop: () => undefined,
  };
}

export interface ProjectionListRow {
  readonly projection: string;
  readonly version: number;
  readonly active: boolean;
  readonly status: string;
  readonly drivenBy: string | null;
  readonly eventsBehind: number | null;
  readonly eventsPerSecond: number | null;
  readonly eventsProcessed: number;
  readonly lastError: string | null;
  readonly description: string | null;
}

/**
 * Every registered version as the tables tell it. The rate of a version some process is driving is
 * measured here over one second (the tables keep counts, not rates).
 */
export async function listProjectionVersions(ctx: ProjectionsContext, options: { readonly sampleMs?: number } = {}): Promise<{
  rows: ProjectionListRow[];
  problems: { name: string; version: number; code: string; reason: string }[];
}> {
  const first = await listProjections(ctx.readStore, ctx.eventsBehind, ctx.families);
  let rates = new Map<string, number>();
  const sampleMs = options.sampleMs ?? 1000;
  if (sampleMs > 0 && first.projections.some((p) => p.drivenBy !== null)) {
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, sampleMs));
    const second = await listProjections(ctx.readStore, null, ctx.families);
    const seconds = (performance.now() - t0) / 1000;
    rates = new Map(
      second.projections.map((p) => {
        const before = first.projections.find((q) => q.name === p.name && q.version === p.version);
        return [`${p.name}@${p.version}`, Math.max(0, Math.round((p.eventsProcessed - (before?.eventsProcessed ?? 0)) / seconds))];
      }),
    );
  }
  const row = (p: HostedProjectionStatus): ProjectionListRow => ({
    projection: p.name,
    version: p.version,
    active: p.active,
    status: p.state,
    drivenBy: p.drivenBy,
    eventsBehind: p.eventsBehind,
    eventsPerSecond: p.drivenBy === null ? null : (rates.get(`${p.name}@${p.version}`) ?? null),
    eventsProcessed: p.eventsProcessed,
    lastError: p.lastError ? `${p.lastError.code ?? ''} ${p.lastError.message}`.trim() : null,
    description: typeof p.definition?.description === 'string' ? p.definition.description : null,
  });
  return { rows: first.projections.map(row), problems: first.problems };
}

/**
 * Deletes a version that is not served: its definition first (a polling engine then lets go of it),
 * then, once nobody drives it, its rows and checkpoint in one transaction. The shipped default is
 * refused: an engine would register it again at its next start. Run again after a timeout, it
 * finishes what the first run began.
 */
export async function dropProjectionVersion(ctx: ProjectionsContext, name: string, version: number, options: { readonly waitMs?: number } = {}): Promise<void> {
  const family = familyOf(ctx, name);
  if (version === family.defaultDefinition.version) {
    throw new ProjectionCommandError('PROJECTION.DEFAULT_VERSION', `${name} v${version} is the shipped default: an engine registers it again at its next start`);
  }
  const manager = ctx.readStore.manager;
  const registered = (await readDefinitions(manager, name)).some((d) => d.version === version);
  const checkpointed = (await readCheckpoints(manager, name)).some((c) => c.version === version);
  if (!registered && !checkpointed) throw new ProjectionCommandError('PROJECTION.UNKNOWN_VERSION', `${name} has no version ${version}`);
  await ctx.readStore.transaction(async (m) => {
    const [row] = (await m.query(`SELECT active FROM projection_checkpoints WHERE projection = $1 AND version = $2 FOR UPDATE`, [name, version])) as { active: boolean }[];
    if (row?.active) throw new ProjectionCommandError('PROJECTION.ACTIVE_VERSION', `${name} v${version} is the version being served: switch to another one first`);
    await m.query(`DELETE FROM projection_definitions WHERE name = $1 AND version = $2`, [name, version]);
  });
  const owner = newLeaseOwner();
  const deadline = performance.now() + (options.waitMs ?? DEFAULT_LEASE_MS + 5_000);
  while (!(await claimLease(manager, name, version, owner, DEFAULT_LEASE_MS, ctx.exclusive))) {
    if (performance.now() > deadline) {
      throw new ProjectionCommandError('PROJECTION.STILL_DRIVEN', `${name} v${version} is unregistered but another process still drives it; run drop again once it has let go`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await ctx.readStore.transaction(async (m) => {
    await deleteCheckpoint(m, name, version);
    await family.create(family.defaultDefinition).clearVersion(m, version);
  });
}

/** What switching from one built version to the other would change: the family's diff. */
export async function diffProjection(ctx: ProjectionsContext, name: string, from: number, to: number, asOf?: string): Promise<ProjectionDiff> {
  const family = familyOf(ctx, name);
  if (!family.diff) throw new ProjectionCommandError('PROJECTION.NO_DIFF', `projection ${name} has no diff (nothing in it moves customers between groups)`);
  const registered = new Set((await readDefinitions(ctx.readStore.manager, name)).map((d) => d.version));
  for (const [flag, v] of [['--from', from], ['--to', to]] as const) {
    if (!registered.has(v)) throw new ProjectionCommandError('PROJECTION.UNKNOWN_VERSION', `${flag}: ${name} has no version ${v} (registered: ${[...registered].join(', ') || 'none'})`);
  }
  return family.diff(ctx.readStore, from, to, asOf);
}

/** No colours: the output is read in terminals, logs and pull requests alike. */

/** A matrix as a table: one row per `from` value, one column per `to` value; `(none)` for a customer present in one version only. */
export function renderDiff(diff: ProjectionDiff): string {
  const label = (v: string | null) => v ?? '(none)';
  const parts = [`${diff.projection}: v${diff.from} -> v${diff.to}${diff.asOf ? ` as of ${diff.asOf}` : ''}`];
  for (const matrix of diff.matrices) {
    const froms = [...new Set(matrix.cells.map((c) => label(c.from)))].sort();
    const tos = [...new Set(matrix.cells.map((c) => label(c.to)))].sort();
    const table = new Table({ head: [`${matrix.dimension}: from \\ to`, ...tos, 'total'], style: tableStyle() });
    for (const f of froms) {
      const counts = tos.map((t) => matrix.cells.filter((c) => label(c.from) === f && label(c.to) === t).reduce((n, c) => n + c.customers, 0));
      table.push([f, ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))]);
    }
    const moved = matrix.cells.filter((c) => c.from !== c.to).reduce((n, c) => n + c.customers, 0);
    parts.push(table.toString(), `${moved} customer(s) change ${matrix.dimension}`);
  }
  if (diff.totals.length > 0) {
    const totals = new Table({ head: ['measure', `v${diff.from}`, `v${diff.to}`, 'change'], style: tableStyle() });
    for (const t of diff.totals) totals.push([t.measure, String(t.from), String(t.to), String(t.to - t.from)]);
    parts.push(totals.toString());
  }
  return `${parts.join('\n')}\n`;
}

const parseVersion = (text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
};

const parseAsOf = (text: string): string => {
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('a date (2024-03-01) or an ISO-8601 instant');
  return at.toISOString();
};

/** The CLI's context on the engine's own storage (DATABASE_URL, or the embedded data dir with the engine stopped). */
function withContext<T>(work: (ctx: ProjectionsContext) => Promise<T>): Promise<T> {
  return withStorage((storage) =>
    work({
      readStore: storage.readStore,
      eventStore: storage.eventStore,
      families: PROJECTION_FAMILIES,
      exclusive: storage.kind === 'embedded',
      eventsBehind: storage.kind === 'eventstoredb' ? null : eventsTableLag(storage.readStore),
      out: (text) => process.stdout.write(text),
      progress: { tty: process.stderr.isTTY === true, write: (text) => process.stderr.write(text) },
    }),
  );
}

/** `lifecycle projections list|rebuild|diff|drop`: versions, side-by-side rebuilds with switch-over, and what a switch would change. */
export function registerProjectionsCommand(program: Command): void {
  const projections = program
    .command('projections')
    .description('projection versions: list them, rebuild one from a definition file beside the served one, compare two');

  projections
    .command('list')
    .description('every registered version: active, status, who builds it, lag, events/s, last error')
    .addOption(formatOption())
    .action((options: { format: OutputFormat }) =>
      withContext(async (ctx) => {
        const { rows, problems } = await listProjectionVersions(ctx);
        if (options.format === 'json') {
          ctx.out(`${JSON.stringify({ projections: rows, problems }, null, 2)}\n`);
          return;
        }
        printRows(rows as unknown as Record<string, unknown>[], 'table');
        for (const p of problems) ctx.out(`problem: ${p.name} v${p.version}: ${p.code}: ${p.reason}\n`);
      }),
    );

  projections
    .command('rebuild <name>')
    .description('register the definition file\'s version, build it from the start of the log beside the served one, switch when caught up')
    .requiredOption('--definition <file>', 'the definition file (YAML or JSON): projection, version, and the family\'s parameters')
    .option('--no-switch', 'build only; keep serving the current version (compare with `projections diff` first)')
    .action((name: string, options: { definition: string; switch: boolean }) =>
      withContext(async (ctx) => {
        // Loads while the version registers; the build folds points, tier and lifecycle there.
        void startFoldThread();
        const result = await rebuildProjection(ctx, name, options.definition, { switchTo: options.switch });
        ctx.out(
          `${name} v${result.version} (${result.registered === 'new' ? 'registered' : 'already registered'}): ` +
            `${result.builtBy === 'this command' ? '' : `built by ${result.builtBy}, followed; `}built over ${result.events} events in ${result.seconds} s; ` +
            `${result.switched ? 'now serving' : `serving v${result.activeVersion ?? '-'}, switch not requested`}\n`,
        );
      }),
    );

  projections
    .command('drop')
    .description('delete a version that is not served: its definition, rows and checkpoint (a running engine lets go of it first)')
    .argument('<name>', 'the projection')
    .argument('<version>', 'the version to delete', parseVersion)
    .action((name: string, version: number) =>
      withContext(async (ctx) => {
        await dropProjectionVersion(ctx, name, version);
        ctx.out(`${name} v${version}: dropped (definition, rows and checkpoint)\n`);
      }),
    );

  projections
    .command('diff <name>')
    .description('what switching from one built version to another changes: from x to count matrices, totals')
    .requiredOption('--from <version>', 'the version compared from (usually the one served)', parseVersion)
    .requiredOption('--to <version>', 'the version compared to (the candidate)', parseVersion)
    .option('--as-of <date>', 'compare as of this instant (default: each version as built)', parseAsOf)
    .addOption(formatOption())
    .action((name: string, options: { from: number; to: number; asOf?: string; format: OutputFormat }) =>
      withContext(async (ctx) => {
        const diff = await diffProjection(ctx, name, options.from, options.to, options.asOf);
        ctx.out(options.format === 'json' ? `${JSON.stringify(diff, null, 2)}\n` : renderDiff(diff));
      }),
    );
}
