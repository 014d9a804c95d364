import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PersonalDataErasedError, PersonalDataVault } from './personal-data-vault';

describe('PersonalDataVault (on PGlite)', () => {
  let pglite: PGlite;
  let vault: PersonalDataVault;
  const now = new Date('2024-03-01T10:00:00Z');
  const ada = { name: 'Ada Lovelace', email: 'ada@example.org', birthday: '1815-12-10' };

  beforeAll(async () => {
    pglite = await PGlite.create();
    vault = new PersonalDataVault(pglite, randomBytes(32));
    await vault.migrate();
  });
  afterAll(() => pglite.close());

  it('seals personal data so that no field is in the clear, and opens it again', async () => {
    const sealed = await vault.seal('c-1', ada, now);
    expect(sealed.sealed).not.toContain('Ada');
    expect(sealed.sealed).not.toContain('example.org');
    expect(await vault.open('c-1', sealed)).toEqual(ada);
  });

  it('gives equal fingerprints for equal facts and different ones otherwise', async () => {
    const a = await vault.seal('c-2', ada, now);
    const b = await vault.seal('c-2', { birthday: ada.birthday, email: ada.email, name: ada.name }, now);
    const c = await vault.seal('c-2', { ...ada, email: 'other@example.org' }, now);
    expect(a.sealed).not.toEqual(b.sealed); // fresh IV every time
    expect(a.fingerprint).toEqual(b.fingerprint);
    expect(c.fingerprint).not.toEqual(a.fingerprint);
    expect(a.keyId).toEqual(c.keyId);
  });

  it('refuses a sealed blob copied onto another customer', async () => {
    const sealed = await vault.seal('c-3', ada, now);
    await vault.seal('c-4', { name: 'someone else' }, now);
    await expect(vault.open('c-4', sealed)).resolves.toBeNull(); // other customer's key id does not match
  });

  it('after destroy: nothing opens, no key material is left, and no new key is made', async () => {
    const sealed = await vault.seal('c-5', ada, now);
    await vault.destroy('c-5', now);
    await vault.destroy('c-5', now); // idempotent
    expect(await vault.open('c-5', sealed)).toBeNull();
    const raw = await pglite.query<{ wrapped_key: unknown; destroyed_at: Date }>(
      `SELECT wrapped_key, destroyed_at FROM personal_data_keys WHERE customer_id = 'c-5'`,
    );
    expect(raw.rows).toEqual([{ wrapped_key: null, destroyed_at: now }]);
    await expect(vault.seal('c-5', ada, now)).rejects.toBeInstanceOf(PersonalDataErasedError);
  });

  it('keeps data keys wrapped: the raw key table never holds a key that opens the data', async () => {
    const sealed = await vault.seal('c-6', ada, now);
    const raw = await pglite.query<{ wrapped_key: Uint8Array }>(`SELECT wrapped_key FROM personal_data_keys WHERE customer_id = 'c-6'`);
    const stored = Buffer.from(raw.rows[0]!.wrapped_key);
    expect(stored.length).toBeGreaterThan(32); // an envelope, not a bare 32-byte key
    const bogus = new PersonalDataVault(pglite, randomBytes(32)); // wrong master key
    await expect(bogus.open('c-6', sealed)).rejects.toThrow();
  });

  it('records who read whose personal data, and when', async () => {
    await vault.recordAccess({ actor: 'key:analyst-1', customerId: 'c-1', purpose: 'GET /customers/c-1', at: now });
    expect(await vault.accessLog('c-1')).toEqual([{ actor: 'key:analyst-1', purpose: 'GET /customers/c-1', accessedAt: now }]);
  });
});
