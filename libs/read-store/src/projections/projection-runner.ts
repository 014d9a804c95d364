import type { DataSource } from 'typeorm';
import { type BatchProgress, comparePositions, type EventStore, type LogPosition, type RecordedEvent, START, type Subscription } from '@lifecycle/event-store';
import { copiesFromBlob as copiesFromBlobOf } from '../data-source/copy-rows';
import { eventsTableLag } from './events-behind.sql';
import { assertValidDefinition, codeOf, messageOf, type ProjectionDefinition, ProjectionEventError, ProjectionMemory } from './projection';
import type { RecordedProjectionError } from './projection-checkpoint.entity';
import {
  ActiveVersionError, activateIfNoneActive, activeVersionOf, advanceCheckpoint, advanceCheckpoints, deleteCheckpoint, ensureCheckpoint, markCaughtUp,
  markFailed, markRetrying, readCheckpoints, resetCheckpoint, switchActiveVersion,
} from './projection-checkpoints.sql';
import { RateWindow } from './rate-window';

/**
 * Events read per batch at most. Live, batches are as small as what has arrived; catching up, a batch
 * this size costs one transaction and one statement per table for every version in the group, so the
 * fixed cost per batch is spread over many events (on PGlite, 5,000 hold the database for well under a
 * second per batch, and a batch that large of CDNOW touches a few hundred customers).
 */
export const DEFAULT_PROJECTION_BATCH_SIZE = 5000;

export interface ProjectionRunnerOptions {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  /** Several versions of one projection may run at once; each has its own checkpoint and rows. */
  readonly projections: readonly ProjectionDefinition[];
  /** Events read per subscription batch; one transaction per projection per batch. */
  readonly batchSize?: number;
  /**
   * When the newest registered version of a projection has caught up with the log and is not the
   * one served, switch to it (default true). Off, a new version is built and waits for `switchTo`.
   */
  readonly switchWhenCaughtUp?: boolean | ((name: string, version: number) => boolean);
  /** Lag in events after a checkpoint; default: counted in the event store's table. null: unknown. */
  readonly eventsBehind?: ((after: LogPosition) => Promise<number>) | null;
  /** Monotonic milliseconds, for throughput only. */
  readonly clock?: () => number;
}

export type ProjectionState = 'idle' | 'catching-up' | 'live' | 'failed' | 'stopped';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly active: boolean;
  readonly state: ProjectionState;
  /** Exclusive: the last event applied, both halves as decimal strings (ready for JSON). */
  readonly checkpoint: { readonly tx: string; readonly pos: string };
  /** Events visible in the log after the checkpoint (capped); null when it cannot be counted. */
  readonly eventsBehind: number | null;
  /** Events read past (handled or not) by this runner since it started this version. */
  readonly eventsProcessed: number;
  readonly eventsPerSecond: number;
  readonly lastError: (RecordedProjectionError & { readonly at: string }) | null;
}

export class UnknownProjectionError extends Error {
  readonly code = 'PROJECTION.UNKNOWN';
  constructor(readonly projection: string, readonly version?: number) {
    super(`no projection ${projection}${version === undefined ? '' : ` v${version}`} is registered with this runner`);
    this.name = 'UnknownProjectionError';
  }
}

export class ProjectionFailedError extends Error {
  readonly code = 'PROJECTION.FAILED';
  constructor(readonly projection: string, readonly version: number, reason = 'see its status', override readonly cause?: unknown) {
    super(`projection ${projection} v${version} has failed: ${reason}`);
    this.name = 'ProjectionFailedError';
  }
}

const textPosition = (position: LogPosition) => ({ tx: position.tx.toString(), pos: position.pos.toString() });

const isStart = (position: LogPosition) => comparePositions(position, START) === 0;

export class RunnerStateError extends Error {
  readonly code = 'PROJECTION.RUNNER_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'RunnerStateError';
  }
}

/** One projection version as this runner drives it. */
class Track {
  readonly handles: ReadonlySet<string>;
  checkpoint: LogPosition = START;
  state: ProjectionState = 'idle';
  active = false;
  processed = 0;
  lastError: ProjectionStatus['lastError'] = null;
  group: Group | undefined;
  /** The projection's memory of its own rows; replaced by `forget` whenever it may be out of step with them. */
  memory = new ProjectionMemory(false);
  /** The batch being applied right now, so that a rebuild can wait for it. */
  inFlight: Promise<unknown> = Promise.resolve();
  readonly rate: RateWindow;
  private caughtUpWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private positionWaiters: { target: LogPosition; resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(readonly definition: ProjectionDefinition, clock: () => number) {
    this.handles = new Set(definition.handles);
    this.rate = new RateWindow(clock);
  }

  get name(): string {
    return this.definition.name;
  }

  /** From here on the projection reads its rows from the tables again (memory empty, not from the start). */
  forget(fromStart = false): void {
    this.memory = new ProjectionMemory(fromStart);
  }
  get version(): number {
    return this.definition.version;
  }

  whenCaughtUp(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    if (this.state === 'failed') return Promise.reject(new ProjectionFailedError(this.name, this.version, this.lastError?.message));
    if (this.state === 'stopped') return Promise.reject(new RunnerStateError('the projection runner was stopped'));
    return new Promise((resolve, reject) => this.caughtUpWaiters.push({ resolve, reject }));
  }

  settleWaiters(error?: unknown): void {
    for (const waiter of this.caughtUpWaiters.splice(0)) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }

  /** Resolves once the checkpoint has reached `target`; rejects if the track fails or stops first. */
  reach(target: LogPosition): Promise<void> {
    if (comparePositions(this.checkpoint, target) >= 0) return Promise.resolve();
    if (this.state === 'failed') return Promise.reject(new ProjectionFailedError(this.name, this.version, this.lastError?.message));
    if (this.state === 'stopped') return Promise.reject(new RunnerStateError('the projection runner was stopped'));
    return new Promise((resolve, reject) => this.positionWaiters.push({ target, resolve, reject }));
  }

  settlePositionWaiters(error?: unknown): void {
    this.positionWaiters = this.positionWaiters.filter((waiter) => {
      if (error !== undefined) waiter.reject(error);
      else if (comparePositions(this.checkpoint, waiter.target) >= 0) waiter.resolve();
      else return true;
      return false;
    });
  }
}

/**
 * Tracks that stand at the same checkpoint share one subscription, so a full rebuild of every
 * projection reads the log once. A track leaves its group when it fails or is rebuilt; a track that
 * starts again gets a group (a subscription) of its own.
 */
interface Group {
  readonly tracks: Set<Track>;
  subscription?: Subscription;
  /** The batch being applied while the subscription reads the next one. */
  applying: Promise<void>;
}

/**
 * Runs projections on the global log. Per projection version: a checkpoint row, one transaction per
 * batch that moves the checkpoint and writes the rows of that batch, a status (state, lag,
 * throughput, last error). A projection that fails stops alone; the others go on.
 *
 * Versions sit side by side in the same tables (the version is part of every row's key). One version
 * per projection is active, the one queries read; `switchTo` moves that flag in one transaction.
 */
export class ProjectionRunner {
  private readonly tracks: Track[];
  private readonly clock: () => number;
  private readonly groups = new Set<Group>();
  private readonly batchSize: number;
  private readonly countBehind: ((after: LogPosition) => Promise<number>) | null;
  private running = false;
  private starting: Promise<void> | undefined;

  constructor(private readonly options: ProjectionRunnerOptions) {
    const clock = options.clock ?? (() => performance.now());
    this.clock = clock;
    const seen = new Set<string>();
    this.tracks = options.projections.map((definition) => {
      assertValidDefinition(definition);
      const id = `${definition.name}@${definition.version}`;
      if (seen.has(id)) throw new RunnerStateError(`projection ${definition.name} v${definition.version} is registered twice`);
      seen.add(id);
      return new Track(definition, clock);
    });
    this.batchSize = options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError('batchSize is a positive integer');
    this.countBehind = options.eventsBehind === undefined ? eventsTableLag(options.dataSource) : options.eventsBehind;
  }

  /** Loads or creates every checkpoint, activates a version where none is active, and subscribes. */
  start(): Promise<void> {
    if (this.running) return Promise.reject(new RunnerStateError('the projection runner is already running'));
    this.running = true;
    this.starting = (async () => {
      const manager = this.options.dataSource.manager;
      for (const track of this.tracks) {
        const row = await ensureCheckpoint(manager, track.name, track.version);
        track.checkpoint = row.checkpoint;
        track.forget(isStart(row.checkpoint));
        track.lastError = row.lastError && { ...row.lastError, at: row.updatedAt.toISOString() };
        if (row.status === 'failed') await markRetrying(manager, track.name, track.version);
      }
      for (const name of new Set(this.tracks.map((t) => t.name))) {
        await activateIfNoneActive(manager, name, this.firstToServe(name).version);
        await this.refreshActive(name);
      }
      const byCheckpoint = new Map<string, Track[]>();
      for (const track of this.tracks) {
        const key = `${track.checkpoint.tx}:${track.checkpoint.pos}`;
        byCheckpoint.set(key, [...(byCheckpoint.get(key) ?? []), track]);
      }
      for (const tracks of byCheckpoint.values()) this.subscribe(tracks);
    })();
    return this.starting;
  }

  /** Stops every subscription after the batch in flight; checkpoints stay where they are. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.starting?.catch(() => undefined);
    await Promise.all([...this.groups].map(async (group) => {
      await group.subscription?.stop();
      await group.applying;
    }));
    this.groups.clear();
    for (const track of this.tracks) {
      track.group = undefined;
      if (track.state !== 'failed') track.state = 'stopped';
      const stopped = new RunnerStateError('the projection runner was stopped');
      track.settleWaiters(stopped);
      track.settlePositionWaiters(stopped);
    }
  }

  /**
   * Adds a version to a running runner (a version registered by another process meanwhile): its
   * checkpoint is loaded or created, it is activated if no version of the projection is, and it
   * gets a subscription of its own from its checkpoint. Before `start()`, it simply joins the others.
   */
  async add(definition: ProjectionDefinition): Promise<void> {
    assertValidDefinition(definition);
    if (this.tracks.some((t) => t.name === definition.name && t.version === definition.version)) {
      throw new RunnerStateError(`projection ${definition.name} v${definition.version} is registered twice`);
    }
    const track = new Track(definition, this.clock);
    this.tracks.push(track);
    if (!this.running) return;
    await this.starting;
    const manager = this.options.dataSource.manager;
    const row = await ensureCheckpoint(manager, track.name, track.version);
    track.checkpoint = row.checkpoint;
    track.forget(isStart(row.checkpoint));
    track.lastError = row.lastError && { ...row.lastError, at: row.updatedAt.toISOString() };
    if (row.status === 'failed') await markRetrying(manager, track.name, track.version);
    await activateIfNoneActive(manager, track.name, this.firstToServe(track.name).version);
    await this.refreshActive(track.name);
    this.subscribe([track]);
  }

  /**
   * Stops driving a version here (after the batch in flight) and forgets it; its rows and checkpoint
   * stay, for whoever drives it next. Waiters on it are rejected.
   */
  async remove(name: string, version: number): Promise<void> {
    const track = this.track(name, version);
    await this.detach(track);
    this.tracks.splice(this.tracks.indexOf(track), 1);
    track.state = 'stopped';
  }

  /** The versions this runner drives. */
  versions(): { name: string; version: number }[] {
    return this.tracks.map((t) => ({ name: t.name, version: t.version }));
  }

  /** Each version's state as this runner sees it, and when a failed one failed (no database read). */
  states(): { name: string; version: number; state: ProjectionState; failedAt?: string }[] {
    return this.tracks.map((t) => ({ name: t.name, version: t.version, state: t.state, ...(t.state === 'failed' && t.lastError && { failedAt: t.lastError.at }) }));
  }

  /** The served version of a projection, as recorded in the database (null before any has run). */
  activeVersion(name: string): Promise<number | null> {
    return activeVersionOf(this.options.dataSource.manager, name);
  }

  /** Resolves once the version has caught up with the log (immediately if it has); rejects if it fails. */
  whenCaughtUp(name: string, version?: number): Promise<void> {
    return this.track(name, version).whenCaughtUp();
  }

  /**
   * Resolves once the named projection (every version of it; every projection if no name is given)
   * has applied the log up to its head as of this call: read-your-writes for tests and for an API
   * that answers from read models right after a command. Rejects if one of them fails or stops first.
   */
  async catchUp(name?: string): Promise<void> {
    // Everything committed before this call, not only what readAll shows yet: on Postgres a write
    // becomes readable once older transactions elsewhere in the cluster end, and the caller's own
    // write must be in the rows when this resolves.
    const head = await this.options.eventStore.committedHeadPosition();
    const tracks = name === undefined ? this.tracks : this.tracks.filter((t) => t.name === name);
    if (tracks.length === 0 && name !== undefined) throw new UnknownProjectionError(name);
    await Promise.all(tracks.map((track) => track.reach(head)));
  }

  /**
   * The atomic switch-over: from the end of this call's transaction on, queries read `version`. It
   * must have caught up with the log once and not be failed (ProjectionVersionNotReadyError).
   */
  async switchTo(name: string, version: number): Promise<void> {
    await this.options.dataSource.transaction((manager) => switchActiveVersion(manager, name, version));
    await this.refreshActive(name);
  }

  /**
   * Builds a version again from the start of the log: its rows and checkpoint are reset in one
   * transaction and it gets a subscription of its own. Never the active version (ActiveVersionError):
   * what serves is not torn down; register a new version and let it be switched to instead.
   * Returns once the rebuild has started; `whenCaughtUp` tells when it has finished.
   */
  async rebuild(name: string, version: number): Promise<void> {
    if (!this.running) throw new RunnerStateError('start the projection runner before rebuilding');
    const track = this.track(name, version);
    // Checked again under lock in the reset; this early answer keeps the version running meanwhile.
    if ((await this.activeVersion(name)) === version) throw new ActiveVersionError(name, version);
    await this.detach(track);
    try {
      await this.options.dataSource.transaction(async (manager) => {
        await resetCheckpoint(manager, name, version);
        await track.definition.clearVersion(manager, version);
      });
    } catch (error) {
      track.forget();
      this.subscribe([track]); // nothing was reset: go on from where it was
      throw error;
    }
    track.forget(true);
    track.checkpoint = START;
    track.processed = 0;
    track.lastError = null;
    this.subscribe([track]);
  }

  /** Runs a failed version again from its checkpoint (after the cause was fixed, e.g. a server came back). */
  async restart(name: string, version: number): Promise<void> {
    if (!this.running) throw new RunnerStateError('start the projection runner before restarting a projection');
    const track = this.track(name, version);
    if (track.state !== 'failed') return;
    await markRetrying(this.options.dataSource.manager, name, version);
    track.forget();
    this.subscribe([track]);
  }

  /**
   * Deletes the rows and checkpoint of a version that is not served (after a switch, the old one).
   * A version this runner drives must be stopped first, so only versions it does not register qualify.
   */
  async dropVersion(definition: ProjectionDefinition): Promise<void> {
    const running = this.tracks.find((t) => t.name === definition.name && t.version === definition.version);
    if (running && this.running) throw new RunnerStateError(`projection ${definition.name} v${definition.version} is running here`);
    await this.options.dataSource.transaction(async (manager) => {
      await deleteCheckpoint(manager, definition.name, definition.version);
      await definition.clearVersion(manager, definition.version);
    });
  }

  /**
   * State, lag, throughput and last error of every version this runner drives. Plain JSON (what
   * GET /projections and `lifecycle projections list` show). Which version is active is read from
   * the database, since another process (the CLI) may have switched.
   */
  async status(): Promise<ProjectionStatus[]> {
    const active = new Set<string>();
    try {
      for (const row of await readCheckpoints(this.options.dataSource.manager)) if (row.active) active.add(`${row.projection}@${row.version}`);
    } catch {
      for (const track of this.tracks) if (track.active) active.add(`${track.name}@${track.version}`);
    }
    const statuses: ProjectionStatus[] = [];
    for (const track of this.tracks) {
      track.active = active.has(`${track.name}@${track.version}`);
      statuses.push({
        name: track.name,
        version: track.version,
        active: track.active,
        state: track.state,
        checkpoint: textPosition(track.checkpoint),
        eventsBehind: await this.eventsBehind(track.checkpoint),
        eventsProcessed: track.processed,
        eventsPerSecond: Math.round(track.rate.perSecond()),
        lastError: track.lastError,
      });
    }
    return statuses;
  }

  private async eventsBehind(after: LogPosition): Promise<number | null> {
    if (!this.countBehind) return null;
    try {
      return await this.countBehind(after);
    } catch {
      return null;
    }
  }

  private subscribe(tracks: Track[]): void {
    const group: Group = { tracks: new Set(tracks), applying: Promise.resolve() };
    this.groups.add(group);
    for (const track of tracks) {
      track.group = group;
      track.state = 'catching-up';
    }
    const subscription = this.options.eventStore.subscribeToAll({
      after: tracks[0]!.checkpoint,
      batchSize: this.batchSize,
      // Only what some track of the group handles leaves the database; the checkpoints still move
      // past the rest (a track that leaves the group only narrows what is needed).
      eventTypes: [...new Set(tracks.flatMap((t) => t.definition.handles))],
      // One batch of read-ahead: the subscription reads batch N+1 while N waits to be applied or is
      // applied, and the versions look ahead at it (see `lookAhead`). Batches are still applied one
      // after another.
      onBatch: async (batch, progress) => {
        const handled = this.lookAhead(group, batch);
        // PGlite answers through promise jobs alone, so a catch-up would never let timers, I/O or
        // HTTP requests run until it ends; one macrotask turn per batch keeps the process responsive.
        await new Promise((resolve) => setImmediate(resolve));
        const previous = group.applying;
        await previous;
        // One more turn before the batch's transaction asks for the database: the subscription asks
        // for the next batch first, so that on PGlite (one connection, statements in the order asked)
        // the next batch is read before this one is applied, and its look-ahead starts meanwhile.
        group.applying = new Promise((resolve) => setImmediate(resolve)).then(() => this.applyToGroup(group, handled, progress)).catch(() => undefined);
      },
      onError: (error) => {
        for (const track of [...group.tracks]) void this.fail(track, error);
      },
    });
    group.subscription = subscription;
    subscription.caughtUp().then(
      () => group.applying.then(() => this.caughtUp(group)),
      () => undefined, // a failure is reported through onError; a stop needs no report
    );
  }

  /**
   * Each track's share of the batch, the arrays its look-ahead and its `applyBatch` get. Tracks only
   * ever leave a group, so every track the batch is applied to has its share here.
   */
  private lookAhead(group: Group, batch: readonly RecordedEvent[]): Map<Track, readonly RecordedEvent[]> {
    const handled = new Map<Track, readonly RecordedEvent[]>();
    const copiesFromBlob = copiesFromBlobOf(this.options.dataSource.manager);
    for (const track of group.tracks) {
      const events = batch.filter((event) => track.handles.has(event.type));
      handled.set(track, events);
      try {
        if (events.length > 0) track.definition.lookAhead?.(events, { version: track.version, memory: track.memory, copiesFromBlob });
      } catch {
        // Looking ahead only saves time: `applyBatch` folds whatever was not started here.
      }
    }
    return handled;
  }

  /**
   * Every version of the group in one transaction, with one checkpoint statement for all: on PGlite a
   * transaction and a statement cost about as much as folding hundreds of events, and a full rebuild
   * runs every projection in one group. Should anything in it fail (a projection, the database, a
   * checkpoint someone else moved), nothing of it is kept, and the batch is applied again one version
   * per transaction: there each failure stops its own version alone, as it always has.
   */
  private async applyToGroup(group: Group, handledBy: ReadonlyMap<Track, readonly RecordedEvent[]>, progress: BatchProgress): Promise<void> {
    const handled = (track: Track) => handledBy.get(track)!;
    const tracks = [...group.tracks];
    if (tracks.length > 1) {
      const together = this.applyTogether(tracks, handled, progress);
      for (const track of tracks) track.inFlight = together.catch(() => undefined);
      try {
        await together;
        if (group.tracks.size === 0) void this.endGroup(group);
        return;
      } catch {
        for (const track of tracks) track.forget();
      }
    }
    for (const track of tracks) {
      // A rebuild may have taken the track out while an earlier one was being applied.
      if (!group.tracks.has(track)) continue;
      const applied = this.applyToTrack(track, handled(track), progress);
      track.inFlight = applied.catch(() => undefined);
      try {
        await applied;
      } catch (error) {
        track.forget();
        await this.fail(track, error, progress);
      }
    }
    if (group.tracks.size === 0) void this.endGroup(group);
  }

  private async applyTogether(tracks: readonly Track[], handledBy: (track: Track) => readonly RecordedEvent[], { through: to, scanned }: BatchProgress): Promise<void> {
    await this.options.dataSource.transaction(async (manager) => {
      await advanceCheckpoints(manager, tracks.map((t) => ({ projection: t.name, version: t.version, from: t.checkpoint })), to, scanned);
      // Side by side, not one after another: a version that folds on a thread of its own (the loyalty
      // replays) works while the others fold here and their statements run. Each writes only its own
      // rows, so the order in which their statements reach the transaction changes nothing.
      const applied = await Promise.allSettled(tracks.map(async (track) => {
        const handled = handledBy(track);
        if (handled.length > 0) await track.definition.applyBatch(handled, { manager, version: track.version, memory: track.memory });
      }));
      const failed = applied.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    });
    for (const track of tracks) this.advanced(track, to, scanned);
  }

  private async applyToTrack(track: Track, handled: readonly RecordedEvent[], { through: to, scanned }: BatchProgress): Promise<void> {
    const from = track.checkpoint;
    await this.options.dataSource.transaction(async (manager) => {
      await advanceCheckpoint(manager, track.name, track.version, from, to, scanned);
      if (handled.length > 0) await track.definition.applyBatch(handled, { manager, version: track.version, memory: track.memory });
    });
    this.advanced(track, to, scanned);
  }

  private advanced(track: Track, to: LogPosition, events: number): void {
    track.checkpoint = to;
    track.processed += events;
    track.rate.record(events);
    track.settlePositionWaiters();
  }

  private async caughtUp(group: Group): Promise<void> {
    for (const track of group.tracks) {
      if (track.state !== 'catching-up') continue;
      track.state = 'live';
      try {
        await markCaughtUp(this.options.dataSource.manager, track.name, track.version);
        if (this.switchesWhenCaughtUp(track) && !track.active && this.newest(track.name) === track) {
          await this.switchTo(track.name, track.version);
        }
      } catch (error) {
        await this.fail(track, error);
        continue;
      }
      track.settleWaiters();
    }
  }

  /** `batch`: how far the batch that could not be applied reached, when the failure was applying one (not reading). */
  private async fail(track: Track, error: unknown, batch?: BatchProgress): Promise<void> {
    if (track.state === 'failed') return;
    track.state = 'failed';
    const recorded: RecordedProjectionError = {
      message: messageOf(error),
      ...(codeOf(error) !== undefined && { code: codeOf(error) }),
      ...(error instanceof ProjectionEventError && {
        eventId: error.event.id,
        eventType: error.event.type,
        position: textPosition(error.event.position),
      }),
      ...(batch && { batch: { after: textPosition(track.checkpoint), last: textPosition(batch.through) } }),
    };
    track.lastError = { ...recorded, at: new Date().toISOString() };
    track.group?.tracks.delete(track);
    track.group = undefined;
    try {
      await markFailed(this.options.dataSource.manager, track.name, track.version, recorded);
    } catch {
      // The database itself may be what failed; the status in memory still tells.
    }
    // Only now: whoever waited may look at the checkpoint table next.
    const failed = new ProjectionFailedError(track.name, track.version, recorded.message, error);
    track.settleWaiters(failed);
    track.settlePositionWaiters(failed);
  }

  /** Takes a track out of its group, waiting for the batch it may be in; ends the group if it empties. */
  private async detach(track: Track): Promise<void> {
    const group = track.group;
    track.group = undefined;
    track.state = 'idle';
    const restarted = new RunnerStateError(`projection ${track.name} v${track.version} was restarted`);
    track.settleWaiters(restarted);
    track.settlePositionWaiters(restarted);
    if (group) {
      group.tracks.delete(track);
      if (group.tracks.size === 0) await this.endGroup(group);
    }
    await track.inFlight;
  }

  private async endGroup(group: Group): Promise<void> {
    this.groups.delete(group);
    // Not awaited from inside a batch: stop() waits for the very batch that calls it.
    await group.subscription?.stop();
    await group.applying;
  }

  private async refreshActive(name: string): Promise<void> {
    const active = await activeVersionOf(this.options.dataSource.manager, name);
    for (const track of this.tracks) if (track.name === name) track.active = track.version === active;
  }

  private switchesWhenCaughtUp(track: Track): boolean {
    const option = this.options.switchWhenCaughtUp ?? true;
    return typeof option === 'function' ? option(track.name, track.version) : option;
  }

  /** What serves when nothing does yet: the newest version that may be switched to, else the newest. */
  private firstToServe(name: string): Track {
    const switchable = this.tracks.filter((t) => t.name === name && this.switchesWhenCaughtUp(t));
    return switchable.length > 0 ? switchable.reduce((a, b) => (b.version > a.version ? b : a)) : this.newest(name);
  }

  private newest(name: string): Track {
    return this.tracks.filter((t) => t.name === name).reduce((a, b) => (b.version > a.version ? b : a));
  }

  private track(name: string, version?: number): Track {
    const track =
      version === undefined
        ? this.tracks.filter((t) => t.name === name).sort((a, b) => b.version - a.version)[0]
        : this.tracks.find((t) => t.name === name && t.version === version);
    if (!track) throw new UnknownProjectionError(name, version);
    return track;
  }
}
