import { startTestEngine, type TestEngine } from '../testing/test-engine';
import { ProjectionHost } from '../projections/projection-host';

/** The value of one sample line, e.g. metric{a="b"} 3. */
const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('GET /metrics (embedded, ROLE=all)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(() => t.close());

  it('is served without a key, in the Prometheus text format, with the process metrics', async () => {
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/^# HELP process_cpu_user_seconds_total /m);
    expect(res.text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });

  it('shows each projection version: active, live, nothing behind, the events it read', async () => {
    for (const id of ['o-1', 'o-2', 'o-3']) {
      await t.http.post('/customers/c-9/purchases').set('x-api-key', t.keys.ingest)
        .send({ orderId: id, amount: 700, currency: 'EUR', occurredAt: '2024-05-01T00:00:00Z' }).expect(201);
    }
    await t.engine.app.get(ProjectionHost).catchUp();
    // One status read serves a whole scrape and is reused for 1 s: let the previous scrape's go stale.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const text = (await t.http.get('/metrics')).text;
    const cs = { projection: 'customer-summary', version: '1' };
    expect(sample(text, 'lifecycle_projection_active', cs)).toBe(1);
    expect(sample(text, 'lifecycle_projection_state', { ...cs, state: 'live' })).toBe(1);
    expect(sample(text, 'lifecycle_projection_state', { ...cs, state: 'failed' })).toBe(0);
    expect(sample(text, 'lifecycle_projection_events_behind', cs)).toBe(0);
    expect(sample(text, 'lifecycle_projection_events_total', cs)).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/^# TYPE lifecycle_projection_events_per_second gauge/m);
  });

  it('times HTTP requests by route template and status, refused ones included', async () => {
    await t.http.get('/customers/c-9').set('x-api-key', t.keys.admin).expect(200);
    await t.http.get('/customers/c-9').expect(401);
    await t.http.get('/no/such/route').expect(404);
    const text = (await t.http.get('/metrics')).text;
    const count = (labels: Record<string, string>) => sample(text, 'lifecycle_http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/customers/:id/purchases', status: '201' })).toBe(3);
    expect(count({ method: 'GET', route: '/customers/:id', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: '/customers/:id', status: '401' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    // Raw ids never become labels.
    expect(text).not.toContain('c-9');
  });
});
