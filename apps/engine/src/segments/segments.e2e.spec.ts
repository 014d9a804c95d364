import { ProjectionHost } from '../projections/projection-host';
import { startTestEngine, type TestEngine } from '../testing/test-engine';

// The RFM read endpoints on the embedded engine: purchases in over HTTP, the hosted rfm projection
// catches up, and the as-of questions answer from its snapshots.
describe('segments endpoints (embedded, ROLE=all)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    // Five customers, one order a month apart each, bigger spend for the more recent ones.
    for (let c = 1; c <= 5; c++) {
      for (let o = 1; o <= c; o++) {
        const res = await t.http
          .post(`/customers/seg-${c}/purchases`)
          .set('x-api-key', t.keys.ingest)
          .send({ orderId: `seg-${c}-${o}`, amount: 1000 * c, currency: 'EUR', occurredAt: `2024-0${c}-0${o}T10:00:00Z` });
        expect(res.status).toBe(201);
      }
    }
    await t.engine.app.get(ProjectionHost).catchUp();
  }, 60_000);
  afterAll(() => t.close());

  it("GET /customers/:id/segment answers the customer's scores, measures, segment and value group as of the date", async () => {
    const res = await t.http.get('/customers/seg-5/segment?asOf=2024-06-01').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    // seg-5: last order 2024-05-05T10:00Z, 26 whole days before; 5 orders of 5000; top of all three ranks
    expect(res.body).toEqual({
      customerId: 'seg-5', asOf: '2024-06-01T00:00:00.000Z', projectionVersion: 1, recencyDays: 26, frequency: 5, monetary: '25000',
      scores: { r: 5, f: 5, m: 5 }, segment: 'Champions', valueGroup: 'high', valueGroupBasis: 'monetary',
    });
    const first = await t.http.get('/customers/seg-1/segment?asOf=2024-06-01').set('x-api-key', t.keys.ops);
    expect(first.body).toMatchObject({ scores: { r: 1, f: 1, m: 1 }, segment: 'Lost', valueGroup: 'low' });
  });

  it('answers 404 for a customer without a purchase in the window and 400 naming asOf when unparsable', async () => {
    const before = await t.http.get('/customers/seg-5/segment?asOf=2023-06-01').set('x-api-key', t.keys.analyst);
    expect(before.status).toBe(404);
    expect(before.body.code).toBe('SEGMENT.NOT_SCORED');
    const bad = await t.http.get('/customers/seg-5/segment?asOf=last-tuesday').set('x-api-key', t.keys.analyst);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'asOf' })]);
    expect((await t.http.get('/customers/seg-5/segment').set('x-api-key', t.keys.ingest)).status).toBe(403);
    // Without asOf: the start of today (UTC), long after seg-5's last order in 2024
    const today = await t.http.get('/customers/seg-5/segment').set('x-api-key', t.keys.analyst);
    expect(today.status).toBe(404);
    expect(today.body.message).toMatch(/as of \d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
  });

  it('GET /segments/migration counts customers from segment x to segment between two dates', async () => {
    const res = await t.http.get('/segments/migration?from=2024-03-01&to=2024-06-01').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    expect(res.body.from).toBe('2024-03-01T00:00:00.000Z');
    // On 2024-03-01 only seg-1 and seg-2 had bought; the three others arrive (from null).
    const total = res.body.cells.reduce((s: number, c: { customers: number }) => s + c.customers, 0);
    expect(total).toBe(5);
    expect(res.body.cells.filter((c: { from: string | null }) => c.from === null).reduce((s: number, c: { customers: number }) => s + c.customers, 0)).toBe(3);
    const missing = await t.http.get('/segments/migration?from=2024-03-01').set('x-api-key', t.keys.analyst);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.details)).toContain('to');
  });

  it('GET /segments gives customers and share per segment and value group', async () => {
    const res = await t.http.get('/segments?asOf=2024-06-01').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    expect(res.body.customers).toBe(5);
    expect(res.body.segments.reduce((s: number, x: { customers: number }) => s + x.customers, 0)).toBe(5);
    expect(res.body.valueGroups.find((g: { name: string }) => g.name === 'high')).toMatchObject({ customers: 1, share: 0.2, meanMonetary: 25000, basis: 'monetary' });
    expect(res.body).toMatchObject({ valueGroupBasis: 'monetary', valueGroupsBy: { configured: 'monetary', clv: 0, monetary: 5, fallbacks: [] } });
  });
});
