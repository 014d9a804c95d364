import { Registry } from 'prom-client';
import { registerProjectionMetrics } from './projection-metrics';
import type { ProjectionStatus } from './projection-runner';

const status = (over: Partial<ProjectionStatus>): ProjectionStatus => ({
  name: 'customer-summary',
  version: 1,
  active: true,
  state: 'live',
  checkpoint: { tx: '0', pos: '0' },
  eventsBehind: 0,
  eventsProcessed: 0,
  eventsPerSecond: 0,
  lastError: null,
  ...over,
});

describe('projection metrics', () => {
  let statuses: ProjectionStatus[];
  let registry: Registry;
  let now: number;

  beforeEach(() => {
    registry = new Registry();
    now = 0;
    registerProjectionMetrics(registry, { status: async () => statuses }, () => now);
  });

  const sample = async (name: string, labels: Record<string, string>): Promise<number | undefined> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const found = (metric?.values as { labels: Record<string, string | number>; value: number }[] | undefined)?.find((v) =>
      Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value),
    );
    return found?.value;
  };

  it('exposes lag, throughput, active version, state and last error per projection version', async () => {
    statuses = [
      status({ eventsBehind: 0, eventsPerSecond: 1200, eventsProcessed: 5000 }),
      status({ version: 2, active: false, state: 'failed', eventsBehind: 42, lastError: { message: 'boom', at: '2024-05-01T00:00:00.000Z' } }),
    ];
    const v1 = { projection: 'customer-summary', version: '1' };
    const v2 = { projection: 'customer-summary', version: '2' };

    expect(await sample('lifecycle_projection_events_behind', v2)).toBe(42);
    expect(await sample('lifecycle_projection_events_per_second', v1)).toBe(1200);
    expect(await sample('lifecycle_projection_events_total', v1)).toBe(5000);
    expect(await sample('lifecycle_projection_active', v1)).toBe(1);
    expect(await sample('lifecycle_projection_active', v2)).toBe(0);
    expect(await sample('lifecycle_projection_state', { ...v2, state: 'failed' })).toBe(1);
    expect(await sample('lifecycle_projection_state', { ...v2, state: 'live' })).toBe(0);
    expect(await sample('lifecycle_projection_last_error_timestamp_seconds', v2)).toBe(Date.parse('2024-05-01T00:00:00.000Z') / 1000);
    expect(await sample('lifecycle_projection_last_error_timestamp_seconds', v1)).toBeUndefined();
    expect(await registry.metrics()).toContain('lifecycle_projection_events_behind{projection="customer-summary",version="2"} 42');
  });

  it('counts events as a counter: it adds what was processed since the scrape before', async () => {
    const v1 = { projection: 'customer-summary', version: '1' };
    statuses = [status({ eventsProcessed: 100 })];
    expect(await sample('lifecycle_projection_events_total', v1)).toBe(100);
    statuses = [status({ eventsProcessed: 250 })];
    now += 1001; // one status() serves every metric for a second
    expect(await sample('lifecycle_projection_events_total', v1)).toBe(250);
  });
});
