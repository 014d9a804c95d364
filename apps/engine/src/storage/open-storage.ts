import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { CUSTOMER_STREAM_PREFIX } from '@lifecycle/domain';
import {
  connectEventStoreDbEventStore, createEmbeddedEventStore, createPostgresEventStore, EmbeddedDatabase, type EventStore,
} from '@lifecycle/event-store';
import { PersonalDataVault, type SqlQueryable } from '@lifecycle/privacy';
import { ConfigError, type EngineConfig } from '../config/engine-config';
import { localSecret, newMasterKey, parseMasterKey } from './local-secrets';
import { Storage } from './storage';

class OpenedStorage extends Storage {
  constructor(
    readonly kind: Storage['kind'],
    readonly eventStore: EventStore,
    readonly vault: PersonalDataVault,
    readonly sql: SqlQueryable,
    private readonly onClose: () => Promise<void>,
  ) {
    super();
  }
  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
    if (this.kind === 'eventstoredb') await this.eventStore.readStream('lifecycle-readiness-probe', { maxCount: 1 });
  }
  async close(): Promise<void> {
    await this.eventStore.close();
    await this.onClose();
  }
}

/** Embedded PGlite by default; real Postgres when DATABASE_URL is set. Same SQL either way. */
export async function openStorage(config: EngineConfig): Promise<Storage> {
  // With EVENTSTORE_URL the log lives in EventStoreDB; keys and read models stay in the SQL database.
  const logOn = config.eventStoreUrl
    ? await connectEventStoreDbEventStore(config.eventStoreUrl, { streamPrefixes: [CUSTOMER_STREAM_PREFIX] })
    : undefined;
  if (config.databaseUrl) {
    if (!config.masterKey) throw new ConfigError('LIFECYCLE_MASTER_KEY is required with DATABASE_URL (32 bytes, base64 or hex)');
    const pool = new Pool({ connectionString: config.databaseUrl, max: 10 });
    // An idle client losing its connection (a restart, a failover) must not crash the process; the pool replaces it.
    pool.on('error', (error) => process.emitWarning(`postgres pool: ${error.message}`));
    return postgresStorage(pool, parseMasterKey(config.masterKey), () => pool.end(), logOn);
  }
  const masterKey = config.masterKey
    ? parseMasterKey(config.masterKey)
    : config.inMemory
      ? randomBytes(32)
      : parseMasterKey(localSecret(config.dataDir, 'master.key', newMasterKey).value);
  const db = await EmbeddedDatabase.open(config.inMemory ? undefined : join(config.dataDir, 'pglite'));
  return embeddedStorage(db, masterKey, () => db.close(), logOn);
}

/** Storage on a PGlite the caller opened (benchmarks, tools sharing the process's one instance). */
export async function embeddedStorage(
  db: EmbeddedDatabase,
  masterKey: Buffer,
  onClose: () => Promise<void> = async () => undefined,
  logOn?: EventStore,
): Promise<Storage> {
  const eventStore = logOn ?? (await createEmbeddedEventStore(db));
  const vault = new PersonalDataVault(db, masterKey);
  await vault.migrate();
  return new OpenedStorage(logOn ? 'eventstoredb' : 'embedded', eventStore, vault, db, onClose);
}

export async function postgresStorage(
  pool: Pool,
  masterKey: Buffer,
  onClose: () => Promise<void> = async () => undefined,
  logOn?: EventStore,
): Promise<Storage> {
  const eventStore = logOn ?? (await createPostgresEventStore(pool));
  const vault = new PersonalDataVault(pool, masterKey);
  await vault.migrate();
  return new OpenedStorage(logOn ? 'eventstoredb' : 'postgres', eventStore, vault, pool, onClose);
}
