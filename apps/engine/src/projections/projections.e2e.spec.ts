import { customerSummary } from '@lifecycle/projections';
import { startTestEngine, type TestEngine } from '../testing/test-engine';
import { ProjectionHost } from './projection-host';

// The engine hosts the projections (ROLE=all, embedded): they are built from the log, listed at
// GET /projections, and a query answers from them after catchUp.
describe('GET /projections (embedded, ROLE=all)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(() => t.close());

  const purchase = (orderId: string, amount: number) => ({ orderId, amount, currency: 'EUR', occurredAt: '2024-03-01T10:00:00Z' });

  it('answers 401 without a key and 403 for ingest and analyst keys', async () => {
    expect((await t.http.get('/projections')).status).toBe(401);
    expect((await t.http.get('/projections').set('x-api-key', t.keys.ingest)).status).toBe(403);
    const analyst = await t.http.get('/projections').set('x-api-key', t.keys.analyst);
    expect(analyst.status).toBe(403);
    expect(analyst.body.code).toBe('AUTH.FORBIDDEN');
  });

  it('builds customer-summary from the log and lists it with its definition, lag and counts', async () => {
    for (const [id, amount] of [['o-1', 1000], ['o-2', 2500]] as const) {
      const res = await t.http.post('/customers/c-1/purchases').set('x-api-key', t.keys.ingest).send(purchase(id, amount));
      expect(res.status).toBe(201);
    }
    const host = t.engine.app.get(ProjectionHost);
    await host.catchUp();
    const summary = await customerSummary(t.engine.storage.readStore, 'c-1', { asOf: '2024-03-02T00:00:00Z' });
    expect(summary).toMatchObject({ orderCount: 2, netRevenue: { amount: '3500', currency: 'EUR' } });

    for (const key of [t.keys.ops, t.keys.admin]) {
      const res = await t.http.get('/projections').set('x-api-key', key);
      expect(res.status).toBe(200);
      const cs = res.body.projections.find((p: { name: string }) => p.name === 'customer-summary');
      expect(cs).toMatchObject({
        version: 1,
        active: true,
        state: 'live',
        eventsBehind: 0,
        lastError: null,
        definition: { projection: 'customer-summary', version: 1 },
      });
      expect(cs.eventsProcessed).toBeGreaterThanOrEqual(2);
      expect(typeof cs.eventsPerSecond).toBe('number');
      expect(cs.drivenBy).toEqual(expect.any(String));
      expect(BigInt(cs.checkpoint.pos)).toBeGreaterThan(0n);
      expect(res.body.problems).toEqual([]);
    }
  });

  it('lists a stored definition of an unknown family as a problem, not a failure', async () => {
    await t.engine.storage.readStore.query(
      `INSERT INTO projection_definitions (name, version, definition) VALUES ('retired-family', 3, '{"projection":"retired-family","version":3}')`,
    );
    // The next poll of the definitions table notices it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const res = await t.http.get('/projections').set('x-api-key', t.keys.ops);
    expect(res.status).toBe(200);
    expect(res.body.problems).toEqual([expect.objectContaining({ name: 'retired-family', version: 3, code: 'PROJECTION.UNKNOWN_FAMILY' })]);
    expect(res.body.projections.find((p: { name: string }) => p.name === 'customer-summary').state).toBe('live');
  });
});
