import { ProjectionHost } from '../../projections/projection-host';
import { startTestEngine, type TestEngine } from '../../testing/test-engine';

// GET /customers/:id/summary answers from the read models the engine hosts (embedded, ROLE=all).
describe('GET /customers/:id/summary', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(() => t.close());

  it('gives the totals with the points balance, tier, stage and segment as of the instant, equal to the endpoints of each', async () => {
    for (const [orderId, amount, occurredAt] of [['o-1', 60_000, '2024-02-01T10:00:00Z'], ['o-2', 10_000, '2024-03-01T10:00:00Z']] as const) {
      const res = await t.http.post('/customers/c-sum/purchases').set('x-api-key', t.keys.ingest).send({ orderId, amount, currency: 'EUR', occurredAt });
      expect(res.status).toBe(201);
    }
    await t.engine.app.get(ProjectionHost).catchUp();
    const asOf = '2024-03-15T00:00:00.000Z';
    const res = await t.http.get(`/customers/c-sum/summary?asOf=${asOf}`).set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    // 600 points for o-1, which reaches silver (500 EUR); o-2 earns 100 x 1.25.
    expect(res.body).toMatchObject({ customerId: 'c-sum', asOf, orderCount: 2, netRevenue: { amount: '70000', currency: 'EUR' }, pointsBalance: 725, tier: 'silver' });
    // The read models agree with the log-backed endpoints.
    const points = await t.http.get(`/customers/c-sum/points?asOf=${asOf}`).set('x-api-key', t.keys.analyst);
    const tier = await t.http.get(`/customers/c-sum/tier?asOf=${asOf}`).set('x-api-key', t.keys.analyst);
    const segment = await t.http.get(`/customers/c-sum/segment?asOf=${asOf}`).set('x-api-key', t.keys.analyst);
    expect(res.body.pointsBalance).toBe(points.body.balance);
    expect(res.body.tier).toBe(tier.body.tier);
    expect(res.body.segment).toBe(segment.body.segment);
    expect(res.body.stage).toEqual(expect.any(String));
  });

  it('answers 404 for a customer the read models do not know, and 400 for a bad asOf', async () => {
    const unknown = await t.http.get('/customers/c-nobody/summary').set('x-api-key', t.keys.analyst);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CUSTOMER.NOT_FOUND');
    const bad = await t.http.get('/customers/c-sum/summary?asOf=yesterday').set('x-api-key', t.keys.analyst);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('asOf');
  });
});
