import type { TestEngine } from '../testing/test-engine';

const ada = {
  customerId: 'c-shred', registeredAt: '2024-01-05T09:00:00Z', channel: 'web',
  name: 'Ada Lovelace', email: 'ada.lovelace@example.org', phone: '+44 20 7946 0958', birthday: '1815-12-10',
};
const secrets = [ada.name, ada.email, ada.phone, ada.birthday, 'Lovelace', 'example.org'];

/** Every row of every table in the database, as text. */
async function rawDump(t: TestEngine): Promise<string> {
  const { rows: tables } = await t.engine.storage.sql.query<{ name: string }>(
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await t.engine.storage.sql.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
    parts.push(...rows.map((r) => `${name}: ${r.row}`));
  }
  return parts.join('\n');
}

/**
 * Crypto-shredding proven on the raw tables: personal data is never in the clear anywhere in the
 * database, and after erasure no key that could open it remains, while the history still replays.
 */
export function erasureScenario(engine: () => TestEngine): void {
  const t = () => engine();
  const post = (path: string, body: object) => t().http.post(path).set('x-api-key', t().keys.ingest).send(body);

  it('never stores personal fields in the clear, before or after erasure', async () => {
    expect((await post('/customers', ada)).status).toBe(201);
    expect((await post('/customers/c-shred/purchases', { orderId: 'o-1', amount: 2500, currency: 'GBP', occurredAt: '2024-02-01T10:00:00Z' })).status).toBe(201);
    expect((await post('/customers/c-shred/purchases', { orderId: 'o-2', amount: 1500, currency: 'GBP', occurredAt: '2024-02-08T10:00:00Z' })).status).toBe(201);
    const before = await rawDump(t());
    expect(before).toContain('c-shred'); // the dump does see the customer's rows
    for (const secret of secrets) expect(before).not.toContain(secret);
    const clear = await t().http.get('/customers/c-shred').set('x-api-key', t().keys.admin);
    expect(clear.body.personal).toMatchObject({ status: 'clear', email: ada.email });

    const erased = await t().http.delete('/customers/c-shred').set('x-api-key', t().keys.admin);
    expect(erased.status).toBe(200);

    const after = await rawDump(t());
    for (const secret of secrets) expect(after).not.toContain(secret);
    const keys = await t().engine.storage.sql.query<{ wrapped_key: unknown; destroyed_at: unknown }>(
      `SELECT wrapped_key, destroyed_at FROM personal_data_keys WHERE customer_id = 'c-shred'`,
    );
    expect(keys.rows).toHaveLength(1);
    expect(keys.rows[0]!.wrapped_key).toBeNull();
    expect(keys.rows[0]!.destroyed_at).not.toBeNull();
  });

  it('keeps the history replayable and counted, with no way back to the personal fields', async () => {
    const history = await t().engine.storage.eventStore.readStream('customer-c-shred');
    expect(history.map((e) => e.type)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRecorded', 'CustomerErased']);
    const registered = history[0]!.data as { personal: Parameters<TestEngine['engine']['storage']['vault']['open']>[1] };
    expect(await t().engine.storage.vault.open('c-shred', registered.personal)).toBeNull();
    const profile = (await t().http.get('/customers/c-shred').set('x-api-key', t().keys.admin)).body;
    expect(profile).toMatchObject({ erased: true, orderCount: 2, netSpend: 4000, currency: 'GBP', personal: { status: 'erased' } });
    const again = await post('/customers', ada);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('CUSTOMER.ERASED');
  });
}
