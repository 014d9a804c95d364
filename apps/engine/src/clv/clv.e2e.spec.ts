import { bgNbdConditionalExpectedPurchases } from '@lifecycle/clv';
import { appendCustomerEvents } from '@lifecycle/projections/testing/cdnow-log';
import { cdnowSampleEvents } from '@lifecycle/projections/clv/testing/cdnow-sample-log';
import { ProjectionHost } from '../projections/projection-host';
import { startTestEngine, type TestEngine } from '../testing/test-engine';

/** |actual − published| within half a unit of the published last digit. */
function expectToPublishedPrecision(actual: number, published: number, decimals: number) {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

// The CLV endpoints on the embedded engine over the CDNOW sample log (Fader, Hardie & Lee 2005):
// the hosted clv projection (shipped definition: BG/NBD + gamma-gamma, weeks, 52-week horizon,
// 1% a month) is fitted on request and answers per customer.
describe('clv endpoints (embedded, ROLE=all)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    await appendCustomerEvents(t.engine.storage.eventStore, cdnowSampleEvents());
    await t.engine.app.get(ProjectionHost).catchUp();
  }, 300_000); // 9,276 events appended and every hosted projection caught up: slow on a loaded machine
  afterAll(() => t.close());

  it('answers 404 CLV.NO_FIT before any fit', async () => {
    const res = await t.http.get('/customers/0001/clv?asOf=1997-09-30').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('CLV.NO_FIT');
    // Without a fit the lifecycle answers without the P(alive) signal rather than failing.
    const lifecycle = await t.http.get('/customers/0002/lifecycle?asOf=1997-09-30').set('x-api-key', t.keys.analyst);
    expect(lifecycle.status).toBe(200);
    expect(lifecycle.body.churnWarning.signals.map((s: { code: string }) => s.code)).not.toContain('p_alive_low');
  });

  it('POST /clv/fit refuses bad input naming the field, and keys without ops:run', async () => {
    const bad = await t.http.post('/clv/fit').set('x-api-key', t.keys.ops).send({ model: 'bgnbdx', asOf: '1997-13-01', unit: 'months' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['asOf', 'model', 'unit']);
    const february = await t.http.post('/clv/fit').set('x-api-key', t.keys.ops).send({ model: 'bgnbd', asOf: '1997-02-30' });
    expect(february.status).toBe(400);
    expect(february.body.details).toEqual([expect.objectContaining({ field: 'asOf' })]);
    const early = await t.http.post('/clv/fit').set('x-api-key', t.keys.ops).send({ model: 'bgnbd', asOf: '1996-01-01' });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('CLV.NO_CUSTOMERS');
    expect((await t.http.post('/clv/fit').set('x-api-key', t.keys.analyst).send({ model: 'bgnbd', asOf: '1997-09-30' })).status).toBe(403);
  });

  it('fits on request to the published parameters, and answers a customer with the fits used', async () => {
    const bg = await t.http.post('/clv/fit').set('x-api-key', t.keys.ops).send({ model: 'bgnbd', asOf: '1997-09-30', unit: 'weeks' });
    expect(bg.status).toBe(201);
    expect(bg.body).toMatchObject({ model: 'bgnbd', asOf: '1997-09-30', unit: 'weeks', customers: 2357, trigger: 'request', seq: 1, version: 'clv v1 fit 1' });
    expectToPublishedPrecision(bg.body.params.r, 0.243, 3);
    expectToPublishedPrecision(bg.body.params.alpha, 4.414, 3);
    expectToPublishedPrecision(bg.body.logLikelihood, -9582.4, 1);
    const gg = await t.http.post('/clv/fit').set('x-api-key', t.keys.admin).send({ model: 'gammagamma', asOf: '1997-09-30' });
    expect(gg.status).toBe(201);
    expectToPublishedPrecision(gg.body.params.p, 6.25, 2);

    const res = await t.http.get('/customers/0001/clv?asOf=1997-09-30').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    // 0001 is Hardie's example customer: x = 2, t_x = 30.43, T = 38.86 weeks.
    const expected = bgNbdConditionalExpectedPurchases(bg.body.params, 52, { frequency: 2, recency: 213 / 7, T: 272 / 7 });
    expect(res.body.expectedPurchases).toBeCloseTo(expected, 9);
    expect(res.body).toMatchObject({
      customerId: '0001',
      asOf: '1997-09-30T00:00:00.000Z',
      currency: 'USD',
      horizon: { length: 52, unit: 'weeks', monthlyDiscountRate: 0.01 },
      model: { transaction: { model: 'bgnbd', asOf: '1997-09-30', version: 'clv v1 fit 1' }, spend: { model: 'gammagamma', version: 'clv v1 fit 2' } },
      projectionVersion: 1,
    });
    expect(res.body.clv).toBeLessThan(res.body.expectedPurchases * res.body.expectedAvgValue);
    expect(res.body.clv).toBeGreaterThan((res.body.expectedPurchases * res.body.expectedAvgValue) / 1.01 ** 12);
  });

  // The lifecycle churn warning takes P(alive) below its threshold (0.5 in the shipped definition) as a signal.
  it('feeds P(alive) to the lifecycle churn warning as the p_alive_low signal', async () => {
    const clv = await t.http.get('/customers/0002/clv?asOf=1997-09-30').set('x-api-key', t.keys.analyst);
    expect(clv.body.pAlive).toBeLessThan(0.5);
    const res = await t.http.get('/customers/0002/lifecycle?asOf=1997-09-30').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    const signal = res.body.churnWarning.signals.find((s: { code: string }) => s.code === 'p_alive_low');
    expect(signal).toMatchObject({ figure: Math.round(clv.body.pAlive * 1000) / 1000, threshold: 0.5 });
    const alive = await t.http.get('/customers/0001/lifecycle?asOf=1997-09-30').set('x-api-key', t.keys.analyst);
    expect(alive.body.churnWarning.signals.map((s: { code: string }) => s.code)).not.toContain('p_alive_low');
  });

  it('answers 404 CLV.NO_PURCHASE for a customer with no purchase by then', async () => {
    const res = await t.http.get('/customers/nobody-here/clv?asOf=1997-09-30').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('CLV.NO_PURCHASE');
  });
});
