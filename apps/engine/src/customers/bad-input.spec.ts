import fc from 'fast-check';
import { startTestEngine, type TestEngine } from '../testing/test-engine';

/**
 * Random and malformed bodies at every POST endpoint: never a 500, always the documented error
 * shape, and nothing already stored changes.
 */
describe('bad input at every POST endpoint (property-based)', () => {
  let t: TestEngine;
  const valid: Record<string, object> = {
    '/customers': { customerId: 'c-prop', registeredAt: '2024-01-01T00:00:00Z', channel: 'web', email: 'p@example.org' },
    '/customers/c-prop/purchases': { orderId: 'o-1', amount: 1000, currency: 'EUR', occurredAt: '2024-01-02T00:00:00Z' },
    '/customers/c-prop/refunds': { refundId: 'r-1', orderId: 'o-1', amount: 100, occurredAt: '2024-01-03T00:00:00Z' },
    '/customers/c-prop/interactions': { interactionId: 'i-1', kind: 'survey', nps: 9, occurredAt: '2024-01-04T00:00:00Z' },
    '/customers/c-prop/redemptions': { redemptionId: 'rd-1', points: 5, rewardId: 'gift', occurredAt: '2024-01-05T00:00:00Z' },
    '/customers/c-prop/adjustments': { adjustmentId: 'adj-1', points: 5, reason: 'goodwill', occurredAt: '2024-01-06T00:00:00Z' },
    '/customers/c-prop/coupons': {
      couponId: 'cp-1', reason: 'campaign', offer: { kind: 'percent-off', percentOff: 10 }, validFrom: '2024-01-01T00:00:00Z', validTo: '2024-02-01T00:00:00Z',
    },
  };
  const endpoints = Object.keys(valid);
  // Points and coupons by hand need loyalty:adjust (ops); the rest is what upstream systems send.
  const keyFor = (path: string) => (/adjustments|coupons/.test(path) ? t.keys.ops : t.keys.ingest);

  beforeAll(async () => {
    t = await startTestEngine();
    for (const path of endpoints) {
      const res = await t.http.post(path).set('x-api-key', keyFor(path)).send(valid[path]!);
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const history = async () => (await t.engine.storage.eventStore.readStream('customer-c-prop')).map((e) => JSON.stringify([e.id, e.type, e.data]));

  // Bodies near the valid ones (a field dropped, retyped or added) find more than pure noise does.
  const mutated = fc
    .record({
      path: fc.constantFrom(...endpoints),
      field: fc.string({ maxLength: 12 }),
      value: fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.string(), fc.double(), fc.integer()),
      pick: fc.nat(),
    })
    .map(({ path, field, value, pick }) => {
      const body: Record<string, unknown> = { ...valid[path] };
      const keys = Object.keys(body);
      const target = pick % 2 === 0 && keys.length > 0 ? keys[pick % keys.length]! : field;
      if (value === undefined) delete body[target];
      else body[target] = value;
      return { path, body: body as unknown };
    });
  const noise = fc.record({ path: fc.constantFrom(...endpoints), body: fc.jsonValue() });
  const rawText = fc.record({ path: fc.constantFrom(...endpoints), raw: fc.string({ maxLength: 60 }) });

  it('never answers 500; errors have the documented shape; a refused request stores nothing', async () => {
    const before = await history();
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, noise, rawText), async (input) => {
        const req = t.http.post(input.path).set('x-api-key', keyFor(input.path)).set('content-type', 'application/json');
        const length = (await history()).length;
        const res = 'raw' in input ? await req.send(input.raw) : await req.send(JSON.stringify(input.body));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.body).toEqual({
            statusCode: res.status,
            error: expect.any(String),
            code: expect.stringMatching(/^[A-Z_]+\.[A-Z_.]+$/),
            message: expect.any(String),
            details: expect.any(Array),
          });
          expect([400, 404, 409, 422]).toContain(res.status);
          expect((await history()).length).toBe(length);
        }
      }),
      { numRuns: 300 },
    );
    // Whatever was accepted on the way, what was stored before is still there, unchanged and in place.
    expect((await history()).slice(0, before.length)).toEqual(before);
  });
});
