import { ProjectionHost } from '../projections/projection-host';
import { startTestEngine, type TestEngine } from '../testing/test-engine';

// The lifecycle read endpoints on the embedded engine: purchases in over HTTP, the hosted lifecycle
// projection catches up, and the stage is asked as of instants before, at and after the log clock.
describe('lifecycle endpoints (embedded, ROLE=all)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    const buy = async (customer: string, orderId: string, occurredAt: string) => {
      const res = await t.http.post(`/customers/${customer}/purchases`).set('x-api-key', t.keys.ingest).send({ orderId, amount: 2500, currency: 'EUR', occurredAt });
      expect(res.status).toBe(201);
    };
    await buy('lc-1', 'lc-1-a', '2024-01-10T10:00:00Z');
    await buy('lc-1', 'lc-1-b', '2024-02-10T10:00:00Z');
    await buy('lc-2', 'lc-2-a', '2024-06-01T10:00:00Z');
    const complaint = await t.http.post('/customers/lc-2/interactions').set('x-api-key', t.keys.ingest)
      .send({ interactionId: 'lc-2-c', kind: 'complaint', occurredAt: '2024-06-05T10:00:00Z' });
    expect(complaint.status).toBe(201);
    await t.engine.app.get(ProjectionHost).catchUp();
  }, 120_000);
  afterAll(() => t.close());

  it('GET /customers/:id/lifecycle answers the stage at the log clock, since when, and the transitions at their due moments', async () => {
    const res = await t.http.get('/customers/lc-1/lifecycle').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    // The log clock is the latest event time (the complaint); lc-1 last bought 2024-02-10, so dormant since 2024-05-10.
    expect(res.body).toMatchObject({ customerId: 'lc-1', asOf: '2024-06-05T10:00:00.000Z', stage: 'dormant', since: '2024-05-10T10:00:00.000Z', version: 1 });
    expect(res.body.transitions).toEqual([
      { from: null, to: 'new', at: '2024-01-10T10:00:00.000Z', cause: 'purchase' },
      { from: 'new', to: 'active', at: '2024-02-09T10:00:00.000Z', cause: 'time' },
      { from: 'active', to: 'dormant', at: '2024-05-10T10:00:00.000Z', cause: 'time' },
    ]);
    expect(res.body.churnWarning).toEqual({
      raised: true,
      signals: [{ code: 'purchase_gap', figure: 3.74, threshold: 2, detail: '116 days since the last purchase, 3.74 times the usual interval of 31 days' }],
    });
  });

  it('as of a past date answers what the customer was then, and after the clock what time alone will make them', async () => {
    const then = await t.http.get('/customers/lc-1/lifecycle?asOf=2024-02-01').set('x-api-key', t.keys.ops);
    expect(then.body).toMatchObject({ asOf: '2024-02-01T00:00:00.000Z', stage: 'new', since: '2024-01-10T10:00:00.000Z' });
    const later = await t.http.get('/customers/lc-1/lifecycle?asOf=2025-03-01').set('x-api-key', t.keys.analyst);
    expect(later.body).toMatchObject({ stage: 'lost', since: '2025-02-09T10:00:00.000Z' });
    expect(later.body.transitions.at(-1)).toEqual({ from: 'dormant', to: 'lost', at: '2025-02-09T10:00:00.000Z', cause: 'time' });
  });

  it('names the complaint in the churn warning of a new customer', async () => {
    const res = await t.http.get('/customers/lc-2/lifecycle').set('x-api-key', t.keys.analyst);
    expect(res.body).toMatchObject({ stage: 'new', churnWarning: { raised: true, signals: [{ code: 'complaints', figure: 1, threshold: 1, detail: '1 complaint in the last 90 days' }] } });
  });

  it('answers 400 naming asOf when it is not a date, 404 for an unknown customer, 403 without the read permission', async () => {
    const bad = await t.http.get('/customers/lc-1/lifecycle?asOf=yesterday').set('x-api-key', t.keys.analyst);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'asOf' })]);
    const unknown = await t.http.get('/customers/lc-nobody/lifecycle').set('x-api-key', t.keys.analyst);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('LIFECYCLE.UNKNOWN_CUSTOMER');
    expect((await t.http.get('/customers/lc-1/lifecycle').set('x-api-key', t.keys.ingest)).status).toBe(403);
  });

  it('GET /lifecycle/stages counts customers per stage and churn warnings as of an instant', async () => {
    const res = await t.http.get('/lifecycle/stages?asOf=2024-06-05T10:00:00Z').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      asOf: '2024-06-05T10:00:00.000Z', version: 1, customers: 2, churnWarnings: 2, stages: { prospect: 0, new: 1, active: 0, dormant: 1, lost: 0 },
      churnWarningsByStage: { prospect: 0, new: 1, active: 0, dormant: 1, lost: 0 },
    });
  });
});
