import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseRfmDefinition } from '@lifecycle/domain';
import { cdnowSampleEvents } from '@lifecycle/projections/clv/testing/cdnow-sample-log';
import { activeRfmVersion } from '@lifecycle/projections/rfm/rfm.query';
import { appendCustomerEvents } from '@lifecycle/projections/testing/cdnow-log';
import { registerDefinition } from '@lifecycle/read-store';
import { ProjectionHost } from '../projections/projection-host';
import { startTestEngine, type TestEngine } from '../testing/test-engine';

// The segment endpoints of an rfm version with `valueGroups.by: clv` (examples/rfm/rfm-by-clv.yaml)
// on the embedded engine over the CDNOW sample log: registered as the CLI's `projections rebuild`
// does, built by the engine's projection host and switched to; the clv projection fitted on request.
describe('segments endpoints with value groups by CLV (embedded, ROLE=all, CDNOW sample)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    await appendCustomerEvents(t.engine.storage.eventStore, cdnowSampleEvents());
    const definition = parseRfmDefinition(parse(readFileSync(join(__dirname, '../../../../examples/rfm/rfm-by-clv.yaml'), 'utf8')));
    await registerDefinition(t.engine.storage.readStore.manager, { name: 'rfm', version: definition.version, definition, switchWhenCaughtUp: true });
    // The host finds the new version at its next poll of the definitions, builds it, then switches.
    const host = t.engine.app.get(ProjectionHost);
    while ((await activeRfmVersion(t.engine.storage.readStore)) !== 2) {
      await host.catchUp();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 300_000);
  afterAll(() => t.close());

  it('answers the monetary group without a fit, saying why', async () => {
    const res = await t.http.get('/customers/0001/segment?asOf=1997-10-01').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projectionVersion: 2, valueGroupBasis: 'monetary', valueGroupFallback: { code: 'CLV.NO_FIT' } });
    expect(res.body.valueGroupFallback.reason).toContain('no bgnbd fit as of 1997-09-30 or earlier');
    expect(res.body.clv).toBeUndefined();
  });

  it('after POST /clv/fit, groups by the CLV that GET /customers/:id/clv answers for the day before', async () => {
    for (const model of ['bgnbd', 'gammagamma']) {
      expect((await t.http.post('/clv/fit').set('x-api-key', t.keys.ops).send({ model, asOf: '1997-09-30' })).status).toBe(201);
    }
    const clv = await t.http.get('/customers/0001/clv?asOf=1997-09-30').set('x-api-key', t.keys.analyst);
    const res = await t.http.get('/customers/0001/segment?asOf=1997-10-01').set('x-api-key', t.keys.analyst);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      customerId: '0001',
      projectionVersion: 2,
      valueGroupBasis: 'clv',
      clv: {
        value: clv.body.clv,
        customersRanked: 2357,
        asOf: '1997-09-30',
        currency: 'USD',
        fits: { transaction: { model: 'bgnbd', version: clv.body.model.transaction.version }, spend: { model: 'gammagamma', version: clv.body.model.spend.version } },
        projectionVersion: 1,
      },
    });
    expect(res.body.valueGroupFallback).toBeUndefined();
    expect(['high', 'mid', 'low']).toContain(res.body.valueGroup);
  });

  it('GET /segments and /segments/migration say what gave the groups at each date', async () => {
    const dist = await t.http.get('/segments?asOf=1997-10-01').set('x-api-key', t.keys.analyst);
    expect(dist.status).toBe(200);
    expect(dist.body).toMatchObject({ customers: 2357, valueGroupBasis: 'clv', valueGroupsBy: { configured: 'clv', clv: 2357, monetary: 0, fallbacks: [] } });
    expect(dist.body.valueGroups.map((g: { name: string; basis: string }) => `${g.name}/${g.basis}`)).toEqual(['high/clv', 'mid/clv', 'low/clv']);
    const migration = await t.http.get('/segments/migration?from=1997-09-01&to=1997-10-01').set('x-api-key', t.keys.analyst);
    expect(migration.status).toBe(200);
    expect(migration.body.valueGroupsBy.from).toMatchObject({ clv: 0, fallbacks: [{ code: 'CLV.NO_FIT' }] });
    expect(migration.body.valueGroupsBy.to).toMatchObject({ clv: 2357 });
  });
});
