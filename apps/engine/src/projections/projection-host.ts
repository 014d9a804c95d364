import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PROJECTION_FAMILIES, setFoldThreadMode, stopFoldThread } from '@lifecycle/projections';
import { type DefinitionProblem, HostedProjections, type HostedProjectionStatus, listProjections, type ProjectionFamily } from '@lifecycle/read-store';
import { EngineConfig } from '../config/engine-config';
import { Storage } from '../storage/storage';

export interface ProjectionsView {
  readonly projections: readonly HostedProjectionStatus[];
  /** Stored definitions this build cannot run (unknown family, or no longer valid): listed, not fatal. */
  readonly problems: readonly DefinitionProblem[];
}

export const runsProjections = (config: EngineConfig) => config.role === 'all' || config.role === 'projector';

/**
 * The projection runner inside the engine. ROLE=all|projector builds and serves every registered
 * version of every family (started on bootstrap, stopped before storage closes); ROLE=api runs none
 * and serves queries straight from the tables, which another process keeps current.
 */
@Injectable()
export class ProjectionHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private hosted: HostedProjections | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly config: EngineConfig,
  ) {}

  private readonly families: readonly ProjectionFamily[] = PROJECTION_FAMILIES;

  async onApplicationBootstrap(): Promise<void> {
    if (!runsProjections(this.config)) return;
    setFoldThreadMode(this.config.foldThread);
    this.hosted = new HostedProjections({
      dataSource: this.storage.readStore,
      eventStore: this.storage.eventStore,
      families: this.families,
      // Embedded data belongs to this process alone: a lease left by a killed predecessor is ours.
      takeOver: this.storage.kind === 'embedded',
      // The lag is counted in the SQL log's table; EventStoreDB's log is elsewhere.
      eventsBehind: this.storage.kind === 'eventstoredb' ? null : undefined,
      pollMs: this.config.projectionPollMs,
    });
    await this.hosted.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.hosted?.stop();
    if (this.hosted) await stopFoldThread();
  }

  /** Whether this process builds projections (ROLE=all|projector). */
  get running(): boolean {
    return this.hosted !== undefined;
  }

  /**
   * Read-your-writes: resolves once the projections built here have applied the log as it is now.
   * With ROLE=api nothing is built here, so it resolves at once (the tables are as fresh as the
   * projector that feeds them).
   */
  async catchUp(name?: string): Promise<void> {
    await this.hosted?.catchUp(name);
  }

  async status(): Promise<ProjectionsView> {
    if (this.hosted) return this.hosted.status();
    const lag = this.storage.kind === 'eventstoredb' ? null : undefined;
    return listProjections(this.storage.readStore, lag, this.families);
  }

  /** The flat per-version list, for the metrics. */
  async versions(): Promise<HostedProjectionStatus[]> {
    return [...(await this.status()).projections];
  }
}
