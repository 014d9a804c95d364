import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import type { EventStore, LogPosition } from '@lifecycle/event-store';
import { eventsTableLag } from './events-behind.sql';
import { codeOf, messageOf } from './projection';
import { readCheckpoints } from './projection-checkpoints.sql';
import { readDefinitions, registerDefinition, type StoredDefinition } from './projection-definitions.sql';
import type { ProjectionFamily, ProjectionParameters } from './projection-family';
import { claimLease, readLeases, releaseLease } from './projection-leases.sql';
import { ProjectionRunner, type ProjectionState, type ProjectionStatus } from './projection-runner';

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_DEFINITION_POLL_MS = 2_000;

export interface HostedProjectionsOptions {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly families: readonly ProjectionFamily[];
  /** Who holds the leases (default: host:pid:random). */
  readonly owner?: string;
  readonly leaseMs?: number;
  /** How often the definitions table is read for new versions and the leases renewed. */
  readonly pollMs?: number;
  /** Embedded data belongs to one process: take leases over instead of waiting for them to expire. */
  readonly takeOver?: boolean;
  readonly batchSize?: number;
  /** Lag counter (default: the SQL event store's table in the same database); null when the log is elsewhere. */
  readonly eventsBehind?: ((after: LogPosition) => Promise<number>) | null;
  /**
   * A failed version is run again from its checkpoint this long after it failed (default 30 s),
   * doubling after each failure in a row up to 15 minutes; it counts as recovered once live again.
   */
  readonly retryMs?: number;
  /** Wall-clock milliseconds, for the retry delays. */
  readonly now?: () => number;
}

const DEFAULT_RETRY_MS = 30_000;
const MAX_RETRY_MS = 15 * 60_000;

/** A registered version, wherever it runs: this process, another one (the CLI, a second projector), or nowhere. */
export interface HostedProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly active: boolean;
  /** ProjectionState when this process drives it; otherwise what the checkpoint row says. */
  readonly state: ProjectionState | 'building';
  /** The lease owner driving it (this process's own name when here), null when nobody does. */
  readonly drivenBy: string | null;
  readonly checkpoint: { readonly tx: string; readonly pos: string };
  readonly eventsBehind: number | null;
  /** Since this process started driving it; from the checkpoint row (since its last rebuild) otherwise. */
  readonly eventsProcessed: number;
  readonly eventsPerSecond: number;
  readonly lastError: ProjectionStatus['lastError'];
  readonly switchWhenCaughtUp: boolean | null;
  readonly definition: Record<string, unknown> | null;
}

/** A stored definition that cannot be built here: its family is unknown to this build, or it no longer parses. */
export interface DefinitionProblem {
  readonly name: string;
  readonly version: number;
  readonly code: string;
  readonly reason: string;
}

const key = (name: string, version: number) => `${name}@${version}`;

export const newLeaseOwner = () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * The projection families as a process hosts them: every registered version of every family is
 * built from its stored definition (the family's default definition is registered on first start),
 * each version under a lease so that two processes never drive the same one, and the definitions
 * table is polled so that a version registered by `lifecycle projections rebuild` elsewhere is
 * picked up once its builder lets go of it.
 */
export class HostedProjections {
  readonly owner: string;
  readonly runner: ProjectionRunner;
  private readonly families: ReadonlyMap<string, ProjectionFamily>;
  private readonly driven = new Set<string>();
  private readonly switchFlags = new Map<string, boolean>();
  private problems: DefinitionProblem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly countBehind: ((after: LogPosition) => Promise<number>) | null;
  /** Failures in a row per version driven here, for the retry back-off. */
  private readonly failuresInRow = new Map<string, number>();

  constructor(private readonly options: HostedProjectionsOptions) {
    this.owner = options.owner ?? newLeaseOwner();
    this.families = new Map(options.families.map((f) => [f.name, f]));
    this.countBehind = options.eventsBehind === undefined ? eventsTableLag(options.dataSource) : options.eventsBehind;
    this.runner = new ProjectionRunner({
      dataSource: options.dataSource,
      eventStore: options.eventStore,
      projections: [],
      batchSize: options.batchSize,
      eventsBehind: this.countBehind,
      switchWhenCaughtUp: (name, version) => this.switchFlags.get(key(name, version)) ?? true,
    });
  }

  /** Registers the default definitions, takes the leases it can, starts building and serving, and starts polling. */
  async start(): Promise<void> {
    for (const family of this.families.values()) {
      try {
        await registerDefinition(this.options.dataSource.manager, {
          name: family.name,
          version: family.defaultDefinition.version,
          definition: family.defaultDefinition,
          switchWhenCaughtUp: true,
        });
      } catch (error) {
        // A default changed without a new version: that version keeps its stored rules, and status says so.
        this.problems.push({ name: family.name, version: family.defaultDefinition.version, code: codeOf(error) ?? 'PROJECTION.INVALID', reason: messageOf(error) });
      }
    }
    const startup = this.problems;
    // Versions added before the runner starts share one subscription per checkpoint (one read of
    // the log for a full rebuild of everything); later ones get a subscription of their own.
    await this.sync(startup);
    await this.runner.start();
    const poll = this.options.pollMs ?? DEFAULT_DEFINITION_POLL_MS;
    this.timer = setInterval(() => {
      this.syncing = this.syncing.then(() => this.sync(startup)).catch(() => undefined);
    }, poll);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.syncing;
    await this.runner.stop();
    for (const k of this.driven) {
      const [name, version] = k.split('@') as [string, string];
      await releaseLease(this.options.dataSource.manager, name, Number(version), this.owner).catch(() => undefined);
    }
    this.driven.clear();
  }

  /** Read-your-writes: resolves once every version of `name` (every one, without a name) driven here has applied the log head as of now. */
  async catchUp(name?: string): Promise<void> {
    if (name !== undefined && !this.runner.versions().some((v) => v.name === name)) return;
    await this.runner.catchUp(name);
  }

  /** Versions this process drives. */
  drives(name: string, version: number): boolean {
    return this.driven.has(key(name, version));
  }

  async status(): Promise<{ projections: HostedProjectionStatus[]; problems: DefinitionProblem[] }> {
    const here = new Map((await this.runner.status()).map((s) => [key(s.name, s.version), s]));
    // The lag of the versions driven here comes with the runner's status; count only the others'.
    const listed = await listProjections(this.options.dataSource, null);
    const projections: HostedProjectionStatus[] = [];
    for (const row of listed.projections) {
      const mine = here.get(key(row.name, row.version));
      if (mine) {
        projections.push({ ...row, ...mine, drivenBy: this.owner, definition: row.definition, switchWhenCaughtUp: row.switchWhenCaughtUp });
        continue;
      }
      const after = { tx: BigInt(row.checkpoint.tx), pos: BigInt(row.checkpoint.pos) };
      projections.push({ ...row, eventsBehind: this.countBehind ? await this.countBehind(after).catch(() => null) : null });
    }
    return { projections, problems: [...this.problems, ...listed.problems.filter((p) => !this.problems.some((q) => q.name === p.name && q.version === p.version))] };
  }

  /** One round: new versions whose lease is free are taken and built; leases held are renewed, lost ones let go. */
  private async sync(startup: readonly DefinitionProblem[]): Promise<void> {
    if (this.stopped) return;
    const manager = this.options.dataSource.manager;
    const ttl = this.options.leaseMs ?? DEFAULT_LEASE_MS;
    const problems: DefinitionProblem[] = [...startup];
    const definitions = await readDefinitions(manager);
    // A version unregistered meanwhile (`lifecycle projections drop`) is let go of, so that its rows can go.
    const registered = new Set(definitions.map((d) => key(d.name, d.version)));
    for (const k of [...this.driven]) {
      if (registered.has(k)) continue;
      const [name, version] = k.split('@') as [string, string];
      this.driven.delete(k);
      await this.runner.remove(name, Number(version));
      await releaseLease(manager, name, Number(version), this.owner);
    }
    for (const stored of definitions) {
      const k = key(stored.name, stored.version);
      this.switchFlags.set(k, stored.switchWhenCaughtUp);
      if (this.driven.has(k)) continue;
      const family = this.families.get(stored.name);
      if (!family) {
        problems.push({ name: stored.name, version: stored.version, code: 'PROJECTION.UNKNOWN_FAMILY', reason: `no projection family ${stored.name} in this build` });
        continue;
      }
      let definition;
      try {
        definition = family.create(parseStored(family, stored));
      } catch (error) {
        problems.push({ name: stored.name, version: stored.version, code: codeOf(error) ?? 'PROJECTION.INVALID', reason: messageOf(error) });
        continue;
      }
      if (this.stopped) return;
      if (!(await claimLease(manager, stored.name, stored.version, this.owner, ttl, this.options.takeOver))) continue;
      this.driven.add(k);
      await this.runner.add(definition);
    }
    for (const k of [...this.driven]) {
      const [name, version] = k.split('@') as [string, string];
      if (await claimLease(manager, name, Number(version), this.owner, ttl, this.options.takeOver)) continue;
      // Someone took it over (our lease had run out): stop writing it before their first batch.
      this.driven.delete(k);
      await this.runner.remove(name, Number(version));
    }
    await this.retryFailed();
    this.problems = problems;
  }

  /**
   * The cause of a failure is often passing (the database restarted, a lock timed out): a failed
   * version is tried again from its checkpoint after a delay that doubles with each failure in a
   * row. One that fails for good (a bug, an event it cannot read) keeps failing, rarely, with its
   * last error in the status; a failed batch is rolled back, so trying again loses nothing.
   */
  private async retryFailed(): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    for (const s of this.runner.states()) {
      const k = key(s.name, s.version);
      if (s.state === 'live') this.failuresInRow.delete(k);
      if (s.state !== 'failed' || s.failedAt === undefined) continue;
      const failures = this.failuresInRow.get(k) ?? 0;
      const delay = Math.min(MAX_RETRY_MS, (this.options.retryMs ?? DEFAULT_RETRY_MS) * 2 ** failures);
      if (now - Date.parse(s.failedAt) < delay) continue;
      this.failuresInRow.set(k, failures + 1);
      await this.runner.restart(s.name, s.version);
    }
  }
}

/** A stored definition checked again by its family, and bound to the version it was stored under. */
export function parseStored(family: ProjectionFamily, stored: StoredDefinition): ProjectionParameters {
  const parsed = family.parseDefinition(stored.definition);
  if (parsed.version !== stored.version || parsed.projection !== stored.name) {
    throw new Error(`the stored definition of ${stored.name} v${stored.version} names ${parsed.projection} v${parsed.version}`);
  }
  return parsed;
}

/**
 * Every registered version as the tables tell it, for a process that drives none (ROLE=api, the CLI):
 * definitions joined with checkpoints and leases.
 */
export async function listProjections(
  dataSource: DataSource,
  eventsBehind: ((after: LogPosition) => Promise<number>) | null = eventsTableLag(dataSource),
  families?: readonly ProjectionFamily[],
): Promise<{ projections: HostedProjectionStatus[]; problems: DefinitionProblem[] }> {
  const manager = dataSource.manager;
  const definitions = await readDefinitions(manager);
  const checkpoints = await readCheckpoints(manager);
  const leases = new Map((await readLeases(manager)).map((l) => [key(l.projection, l.version), l.owner]));
  const byKey = new Map(checkpoints.map((c) => [key(c.projection, c.version), c]));
  const names = new Set([...definitions.map((d) => key(d.name, d.version)), ...checkpoints.map((c) => key(c.projection, c.version))]);
  const known = families && new Set(families.map((f) => f.name));
  const problems: DefinitionProblem[] = [];
  const projections: HostedProjectionStatus[] = [];
  for (const k of [...names].sort()) {
    const [name, v] = k.split('@') as [string, string];
    const version = Number(v);
    const stored = definitions.find((d) => d.name === name && d.version === version);
    const checkpoint = byKey.get(k);
    if (known && stored && !known.has(name)) {
      problems.push({ name, version, code: 'PROJECTION.UNKNOWN_FAMILY', reason: `no projection family ${name} in this build` });
    }
    let behind: number | null = null;
    if (eventsBehind) behind = await eventsBehind(checkpoint?.checkpoint ?? { tx: 0n, pos: 0n }).catch(() => null);
    projections.push({
      name,
      version,
      active: checkpoint?.active ?? false,
      state: !checkpoint ? 'idle' : checkpoint.status === 'live' ? 'live' : checkpoint.status,
      drivenBy: leases.get(k) ?? null,
      checkpoint: { tx: (checkpoint?.checkpoint.tx ?? 0n).toString(), pos: (checkpoint?.checkpoint.pos ?? 0n).toString() },
      eventsBehind: behind,
      eventsProcessed: Number(checkpoint?.eventsProcessed ?? 0n),
      eventsPerSecond: 0,
      lastError: checkpoint?.lastError ? { ...checkpoint.lastError, at: checkpoint.updatedAt.toISOString() } : null,
      switchWhenCaughtUp: stored?.switchWhenCaughtUp ?? null,
      definition: stored?.definition ?? null,
    });
  }
  return { projections, problems };
}
