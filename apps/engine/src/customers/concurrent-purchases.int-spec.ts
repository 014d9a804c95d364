import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { startTestEngine, type TestEngine } from '../testing/test-engine';

describeWithPostgres('50 concurrent purchases at one customer over HTTP (Postgres)', () => {
  let t: TestEngine;
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('le_concurrency');
    t = await startTestEngine({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('records every purchase exactly once; order count and net spend are exact', async () => {
    const amounts = Array.from({ length: 50 }, (_, i) => 100 + i * 7);
    const send = (i: number) =>
      t.http.post('/customers/c-busy/purchases').set('x-api-key', t.keys.ingest).send({
        orderId: `o-${i}`, amount: amounts[i], currency: 'EUR', occurredAt: `2024-05-01T10:${String(i).padStart(2, '0')}:00Z`,
      });
    // Every order is sent twice, all at once: the duplicates race their originals.
    const responses = await Promise.all([...amounts.keys(), ...amounts.keys()].map(send));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));

    const profile = (await t.http.get('/customers/c-busy').set('x-api-key', t.keys.analyst)).body;
    expect(profile).toMatchObject({
      registered: 'implicit',
      orderCount: 50,
      netSpend: amounts.reduce((a, b) => a + b, 0),
      currency: 'EUR',
    });
    const history = await t.engine.storage.eventStore.readStream('customer-c-busy');
    const orderIds = history.filter((e) => e.type === 'PurchaseRecorded').map((e) => (e.data as { orderId: string }).orderId);
    expect(orderIds).toHaveLength(50);
    expect(new Set(orderIds).size).toBe(50);
    expect(history.filter((e) => e.type === 'CustomerRegistered')).toHaveLength(1);
    expect(history.map((e) => Number(e.revision))).toEqual([...history.keys()]);
  });
});
