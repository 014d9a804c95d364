import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { registerProjectionMetrics, type ProjectionStatus } from '@lifecycle/read-store';
import { ClockScheduler } from '../clock/clock-scheduler';
import { ProjectionHost } from '../projections/projection-host';

/**
 * This engine's Prometheus metrics, in a registry of its own (not prom-client's global one, so that
 * two engines in one process, as in the tests, do not collide): the default process metrics, the
 * projection metrics of every registered version, and the HTTP request durations.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(host: ProjectionHost, scheduler: ClockScheduler) {
    collectDefaultMetrics({ register: this.registry });
    registerProjectionMetrics(this.registry, {
      // Versions built elsewhere (the CLI, another projector) show as their checkpoint row says.
      status: async () =>
        (await host.versions()).map((s): ProjectionStatus => ({ ...s, state: s.state === 'building' ? 'catching-up' : s.state })),
    });
    new Gauge({
      name: 'lifecycle_clock_last_tick_timestamp_seconds',
      help: 'The instant of the last ClockTicked this process has seen on the clock stream (Unix seconds); absent before the first.',
      registers: [this.registry],
      collect() {
        this.reset();
        const at = scheduler.lastTickAt;
        if (at !== undefined) this.set(Date.parse(at) / 1000);
      },
    });
    this.httpDuration = new Histogram({
      name: 'lifecycle_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template (not the raw path: ids would explode the series) and status code.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }
}
