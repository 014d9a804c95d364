import { startTestEngine, type TestEngine } from '../testing/test-engine';

// The whole command API over HTTP on the embedded store (in-memory PGlite): no server needed.
describe('customers API (embedded)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, key = t.keys.ingest) => t.http.post(path).set('x-api-key', key).send(body as object);
  const get = (path: string, key = t.keys.admin) => t.http.get(path).set('x-api-key', key);
  const purchase = (orderId: string, amount = 4999, extra: object = {}) => ({
    orderId, amount, currency: 'EUR', occurredAt: '2024-03-01T10:00:00Z', ...extra,
  });
  const ada = {
    customerId: 'c-ada', registeredAt: '2024-01-05T09:00:00Z', channel: 'web',
    name: 'Ada Lovelace', email: 'ada@example.org', phone: '+44 20 7946 0958', birthday: '1990-12-10',
  };

  describe('access', () => {
    it('answers 401 without a key and with an unknown key', async () => {
      const none = await t.http.post('/customers').send(ada);
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ statusCode: 401, code: 'AUTH.MISSING_KEY', details: [] });
      const unknown = await post('/customers', ada, 'not-a-real-key-at-all');
      expect(unknown.body.code).toBe('AUTH.UNKNOWN_KEY');
    });

    it('answers 403 when the role lacks the permission', async () => {
      const res = await post('/customers', ada, t.keys.analyst);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('AUTH.FORBIDDEN');
      expect((await t.http.delete('/customers/c-ada').set('x-api-key', t.keys.ingest)).status).toBe(403);
    });

    it('serves health, readiness and OpenAPI without a key', async () => {
      expect((await t.http.get('/health')).body).toEqual({ status: 'ok' });
      expect((await t.http.get('/ready')).body).toEqual({ status: 'ready', storage: 'embedded' });
      const docs = await t.http.get('/docs-json');
      expect(docs.status).toBe(200);
      expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/customers', '/customers/{id}/purchases']));
    });
  });

  describe('registration', () => {
    it('registers, and the same registration again answers the same', async () => {
      const first = await post('/customers', ada);
      expect(first.status).toBe(201);
      // Instants come back in one canonical UTC form, whatever spelling the source used.
      expect(first.body).toEqual({ customerId: 'c-ada', registered: 'explicit', registeredAt: '2024-01-05T09:00:00.000Z', channel: 'web' });
      const again = await post('/customers', ada);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect((await get('/customers/c-ada/events')).body.events).toHaveLength(1);
    });

    it('answers 409 for the same id with other facts, personal or not', async () => {
      const otherEmail = await post('/customers', { ...ada, email: 'someone@example.org' });
      expect(otherEmail.status).toBe(409);
      expect(otherEmail.body.statusCode).toBe(409);
      const otherChannel = await post('/customers', { ...ada, channel: 'store' });
      expect(otherChannel.status).toBe(409);
    });

    it('names each bad or unknown field in a 400', async () => {
      const res = await post('/customers', { ...ada, email: 'nope', registeredAt: 'yesterday', shoeSize: 42 });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('REQUEST.VALIDATION_FAILED');
      const fields = res.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['email', 'registeredAt', 'shoeSize']));
    });

    it('answers 400 for a body that is not JSON, or not an object', async () => {
      const broken = await t.http.post('/customers').set('x-api-key', t.keys.ingest).set('content-type', 'application/json').send('{"customerId":');
      expect(broken.status).toBe(400);
      expect(broken.body.code).toBe('REQUEST.MALFORMED_JSON');
      const array = await post('/customers', [ada]);
      expect(array.status).toBe(400);
      expect(array.body.code).toBe('REQUEST.VALIDATION_FAILED');
    });
  });

  describe('purchases and refunds', () => {
    it('records a purchase, and a repeat of it answers the same and changes nothing', async () => {
      const first = await post('/customers/c-ada/purchases', purchase('o-1', 5000, { items: [{ sku: 'B-1', category: 'books', quantity: 2, amount: 5000 }] }));
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ customerId: 'c-ada', orderId: 'o-1', amount: 5000, currency: 'EUR' });
      const again = await post('/customers/c-ada/purchases', purchase('o-1', 5000, { items: [{ sku: 'B-1', category: 'books', quantity: 2, amount: 5000 }] }));
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect((await get('/customers/c-ada')).body).toMatchObject({ orderCount: 1, netSpend: 5000, currency: 'EUR' });
    });

    it('answers 409 for the same order id with other facts', async () => {
      const res = await post('/customers/c-ada/purchases', purchase('o-1', 6000));
      expect(res.status).toBe(409);
    });

    it('answers 422 for another currency than the first purchase', async () => {
      const res = await post('/customers/c-ada/purchases', { ...purchase('o-2'), currency: 'USD' });
      expect(res.status).toBe(422);
      expect(res.body.code).toMatch(/CURRENCY/);
    });

    it('answers 400 for a float amount or an unknown currency', async () => {
      const res = await post('/customers/c-ada/purchases', { ...purchase('o-3'), amount: 12.5, currency: 'XYZ' });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['amount', 'currency']));
    });

    it('refunds part of an order, idempotently, and refuses refunding more or an unknown order', async () => {
      const refund = { refundId: 'r-1', orderId: 'o-1', amount: 1500, occurredAt: '2024-03-02T10:00:00Z' };
      const first = await post('/customers/c-ada/refunds', refund);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ refundId: 'r-1', orderId: 'o-1', amount: 1500 });
      expect((await post('/customers/c-ada/refunds', refund)).body).toEqual(first.body);
      const tooMuch = await post('/customers/c-ada/refunds', { ...refund, refundId: 'r-2', amount: 3501 });
      expect(tooMuch.status).toBe(422);
      const unknown = await post('/customers/c-ada/refunds', { ...refund, refundId: 'r-3', orderId: 'o-404' });
      expect(unknown.status).toBe(422);
      expect((await get('/customers/c-ada')).body).toMatchObject({ orderCount: 1, netSpend: 3500 });
    });

    it('registers an unknown customer implicitly on its first purchase', async () => {
      const res = await post('/customers/c-walk-in/purchases', purchase('o-w1', 1200));
      expect(res.status).toBe(201);
      const profile = (await get('/customers/c-walk-in')).body;
      expect(profile).toMatchObject({ customerId: 'c-walk-in', registered: 'implicit', orderCount: 1, netSpend: 1200, personal: { status: 'none' } });
    });
  });

  describe('interactions', () => {
    it('records a survey answer once and refuses a score on a kind that has none', async () => {
      const survey = { interactionId: 'i-1', kind: 'survey', satisfaction: 5, occurredAt: '2024-03-03T10:00:00Z', channel: 'email' };
      const first = await post('/customers/c-ada/interactions', survey);
      expect(first.status).toBe(201);
      expect((await post('/customers/c-ada/interactions', survey)).body).toEqual(first.body);
      const bad = await post('/customers/c-ada/interactions', { interactionId: 'i-2', kind: 'email_open', nps: 9, occurredAt: '2024-03-03T10:00:00Z' });
      expect(bad.status).toBe(422);
      const outOfRange = await post('/customers/c-ada/interactions', { ...survey, interactionId: 'i-3', satisfaction: 6 });
      expect(outOfRange.status).toBe(400);
    });
  });

  describe('reading', () => {
    it('shows personal fields in clear only with pii:read, and records each such read', async () => {
      const logged = async () => (await t.engine.storage.vault.accessLog('c-ada')).length;
      const before = await logged();
      const asAnalyst = (await get('/customers/c-ada', t.keys.analyst)).body;
      expect(asAnalyst.personal).toEqual({ status: 'redacted' });
      expect(await logged()).toBe(before);
      const asAdmin = (await get('/customers/c-ada', t.keys.admin)).body;
      expect(asAdmin.personal).toEqual({ status: 'clear', name: ada.name, email: ada.email, phone: ada.phone, birthday: ada.birthday });
      const log = await t.engine.storage.vault.accessLog('c-ada');
      expect(log).toHaveLength(before + 1);
      expect(log.at(-1)).toEqual(expect.objectContaining({ actor: 'admin', purpose: 'GET /customers/:id' }));
    });

    it('pages the history by revision', async () => {
      const page1 = (await get('/customers/c-ada/events?limit=2', t.keys.analyst)).body;
      expect(page1.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1]);
      expect(page1.nextFromRevision).toBe(2);
      const page2 = (await get(`/customers/c-ada/events?fromRevision=2&limit=100`, t.keys.analyst)).body;
      // The order earned points under the shipped rules, and the refund clawed part of them back.
      expect(page2.events.map((e: { type: string }) => e.type)).toEqual(['PointsEarned', 'PurchaseRefunded', 'PointsClawedBack', 'InteractionRecorded']);
      expect(page2.nextFromRevision).toBeNull();
      expect((await get('/customers/nobody', t.keys.analyst)).status).toBe(404);
      expect((await get('/customers/c-ada/events?limit=0', t.keys.analyst)).status).toBe(400);
    });
  });

  describe('erasure', () => {
    it('shreds personal data, keeps the history replayable and counted', async () => {
      const res = await t.http.delete('/customers/c-ada').set('x-api-key', t.keys.admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ customerId: 'c-ada', erased: true });
      const profile = (await get('/customers/c-ada')).body;
      expect(profile).toMatchObject({ erased: true, orderCount: 1, netSpend: 3500, personal: { status: 'erased' } });
      const again = await t.http.delete('/customers/c-ada').set('x-api-key', t.keys.admin);
      expect(again.body).toEqual(res.body);
      const late = await post('/customers/c-ada/purchases', purchase('o-late'));
      expect(late.status).toBe(422);
      expect(late.body.code).toBe('CUSTOMER.ERASED');
      expect((await t.http.delete('/customers/nobody').set('x-api-key', t.keys.admin)).status).toBe(404);
    });
  });
});
