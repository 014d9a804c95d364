import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { SealedPersonalData } from '@lifecycle/domain';
import { canonicalPersonalData, type PersonalData } from './personal-data';
import { PRIVACY_MIGRATION } from './privacy.migrations';
import type { SqlQueryable } from './sql-queryable';

const ALGORITHM = 'aes-256-gcm';
const FORMAT = 'v1';

export class PersonalDataErasedError extends Error {
  readonly code = 'CUSTOMER.ERASED';
  constructor(readonly customerId: string) {
    super(`customer ${customerId} was erased: its personal data key is destroyed`);
    this.name = 'PersonalDataErasedError';
  }
}

/**
 * Crypto-shredding. Each customer has its own AES-256-GCM data key; personal fields are sealed
 * with it before they reach the log. Destroying the key makes every sealed copy unreadable while
 * the events themselves stay replayable.
 */
export class PersonalDataVault {
  constructor(
    private readonly sql: SqlQueryable,
    /** 32 bytes that wrap every data key (envelope encryption). */
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes (AES-256)');
  }

  async migrate(): Promise<void> {
    await this.sql.query(PRIVACY_MIGRATION);
  }

  async seal(customerId: string, personal: PersonalData, now: Date): Promise<SealedPersonalData> {
    const { keyId, key } = await this.dataKeyFor(customerId, now);
    return {
      keyId,
      sealed: encrypt(key, Buffer.from(JSON.stringify(personal)), customerId),
      fingerprint: createHmac('sha256', key).update(canonicalPersonalData(personal)).digest('base64url'),
    };
  }

  /** The clear fields, or null when the key was destroyed (or never existed). */
  async open(customerId: string, sealed: SealedPersonalData): Promise<PersonalData | null> {
    const key = await this.existingKey(customerId, sealed.keyId);
    if (key === null) return null;
    return JSON.parse(decrypt(key, sealed.sealed, customerId).toString('utf8')) as PersonalData;
  }

  /** Destroys the customer's key for good. Idempotent; also leaves a tombstone for unknown ids. */
  async destroy(customerId: string, at: Date): Promise<void> {
    await this.sql.query(
      `INSERT INTO personal_data_keys (customer_id, key_id, wrapped_key, created_at, destroyed_at)
       VALUES ($1, $2, NULL, $3, $3)
       ON CONFLICT (customer_id) DO UPDATE SET wrapped_key = NULL,
         destroyed_at = COALESCE(personal_data_keys.destroyed_at, EXCLUDED.destroyed_at)`,
      [customerId, randomUUID(), at.toISOString()],
    );
  }

  async recordAccess(access: { actor: string; customerId: string; purpose: string; at: Date }): Promise<void> {
    await this.sql.query(
      'INSERT INTO pii_access_log (actor, customer_id, purpose, accessed_at) VALUES ($1, $2, $3, $4)',
      [access.actor, access.customerId, access.purpose, access.at.toISOString()],
    );
  }

  async accessLog(customerId: string): Promise<{ actor: string; purpose: string; accessedAt: Date }[]> {
    const { rows } = await this.sql.query<{ actor: string; purpose: string; accessed_at: Date | string }>(
      'SELECT actor, purpose, accessed_at FROM pii_access_log WHERE customer_id = $1 ORDER BY id',
      [customerId],
    );
    return rows.map((r) => ({ actor: r.actor, purpose: r.purpose, accessedAt: new Date(r.accessed_at) }));
  }

  private async dataKeyFor(customerId: string, now: Date): Promise<{ keyId: string; key: Buffer }> {
    const fresh = randomBytes(32);
    // Insert-or-keep in one statement, so two concurrent registrations end up with the same key.
    const { rows } = await this.sql.query<{ key_id: string; wrapped_key: Buffer | Uint8Array | null }>(
      `INSERT INTO personal_data_keys (customer_id, key_id, wrapped_key, created_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id
       RETURNING key_id, wrapped_key`,
      [customerId, randomUUID(), Buffer.from(encrypt(this.masterKey, fresh, customerId)), now.toISOString()],
    );
    const row = rows[0];
    if (!row || row.wrapped_key === null) throw new PersonalDataErasedError(customerId);
    return { keyId: row.key_id, key: decrypt(this.masterKey, Buffer.from(row.wrapped_key).toString(), customerId) };
  }

  private async existingKey(customerId: string, keyId: string): Promise<Buffer | null> {
    const { rows } = await this.sql.query<{ wrapped_key: Buffer | Uint8Array | null }>(
      'SELECT wrapped_key FROM personal_data_keys WHERE customer_id = $1 AND key_id = $2',
      [customerId, keyId],
    );
    const wrapped = rows[0]?.wrapped_key;
    return wrapped ? decrypt(this.masterKey, Buffer.from(wrapped).toString(), customerId) : null;
  }
}

// The customer id is the additional authenticated data: a sealed blob copied to another customer fails to open.
function encrypt(key: Buffer, clear: Buffer, customerId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(customerId));
  const body = Buffer.concat([cipher.update(clear), cipher.final()]);
  return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

function decrypt(key: Buffer, sealed: string, customerId: string): Buffer {
  const [format, iv, tag, body] = sealed.split('.');
  if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error('unknown sealed-data format');
  const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(customerId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
}
