import { Counter, Gauge, type Registry } from 'prom-client';
import type { ProjectionState, ProjectionStatus } from './projection-runner';

const STATES: readonly ProjectionState[] = ['idle', 'catching-up', 'live', 'failed', 'stopped'];

/** What the metrics read: a ProjectionRunner, or anything else that can tell the same. */
export interface ProjectionStatusSource {
  status(): Promise<ProjectionStatus[]>;
}

/**
 * Prometheus metrics of every projection version a runner drives, labelled {projection, version}:
 *   lifecycle_projection_events_behind          gauge, events in the log after the checkpoint
 *   lifecycle_projection_events_per_second      gauge, over the last 10 s
 *   lifecycle_projection_events_total           counter, events read past since the process started it
 *   lifecycle_projection_active                 gauge, 1 for the version queries read
 *   lifecycle_projection_state{state}           gauge, 1 for the current state, 0 for the others
 *   lifecycle_projection_last_error_timestamp_seconds  gauge, when it last failed (absent if never)
 * Read at scrape time; one status() serves all of them within a scrape.
 */
export function registerProjectionMetrics(
  registry: Registry,
  source: ProjectionStatusSource,
  clock: () => number = () => performance.now(),
): void {
  let shared: { at: number; statuses: Promise<ProjectionStatus[]> } | undefined;
  const statuses = (): Promise<ProjectionStatus[]> => {
    const now = clock();
    if (!shared || now - shared.at > 1000) shared = { at: now, statuses: source.status() };
    return shared.statuses;
  };
  const labels = (s: ProjectionStatus) => ({ projection: s.name, version: String(s.version) });
  const labelNames = ['projection', 'version'] as const;

  new Gauge({
    name: 'lifecycle_projection_events_behind',
    help: 'Events visible in the global log after the projection version checkpoint (capped at 1,000,000).',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await statuses()) if (s.eventsBehind !== null) this.set(labels(s), s.eventsBehind);
    },
  });

  new Gauge({
    name: 'lifecycle_projection_events_per_second',
    help: 'Events applied per second by the projection version over the last 10 seconds.',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await statuses()) this.set(labels(s), s.eventsPerSecond);
    },
  });

  // Counters only go up: each scrape adds what was processed since the last one (a rebuild restarts the count at 0).
  const seen = new Map<string, number>();
  new Counter({
    name: 'lifecycle_projection_events_total',
    help: 'Events the projection version has read past (applied or not handled) since this process started it.',
    labelNames,
    registers: [registry],
    async collect() {
      for (const s of await statuses()) {
        const key = `${s.name}@${s.version}`;
        const delta = s.eventsProcessed - (seen.get(key) ?? 0);
        seen.set(key, s.eventsProcessed);
        this.inc(labels(s), delta > 0 ? delta : 0);
      }
    },
  });

  new Gauge({
    name: 'lifecycle_projection_active',
    help: '1 for the version of a projection that queries read, 0 for versions built beside it.',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await statuses()) this.set(labels(s), s.active ? 1 : 0);
    },
  });

  new Gauge({
    name: 'lifecycle_projection_state',
    help: 'State of the projection version: 1 for the current state, 0 for the others.',
    labelNames: [...labelNames, 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await statuses()) for (const state of STATES) this.set({ ...labels(s), state }, s.state === state ? 1 : 0);
    },
  });

  new Gauge({
    name: 'lifecycle_projection_last_error_timestamp_seconds',
    help: 'When the projection version last failed (Unix seconds); its message is in GET /projections.',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await statuses()) if (s.lastError) this.set(labels(s), Date.parse(s.lastError.at) / 1000);
    },
  });
}
