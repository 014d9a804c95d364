import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { CLOCK_STREAM_ID, CUSTOMER_STREAM_PREFIX } from '@lifecycle/domain';
import {
  connectEventStoreDbEventStore, createEmbeddedEventStore, createPostgresEventStore, EmbeddedDatabase, type EventStore,
} from '@lifecycle/event-store';
import { PersonalDataVault, type SqlQueryable } from '@lifecycle/privacy';
import { READ_MODELS } from '@lifecycle/projections';
import { openEmbeddedReadStore, openPostgresReadStore } from '@lifecycle/read-store';
import { ConfigError, type EngineConfig } from '../config/engine-config';
import { localSecret, newMasterKey, parseMasterKey } from './local-secrets';
import { Storage } from './storage';

class OpenedStorage extends Storage {
  constructor(
    readonly kind: Storage['kind'],
    readonly eventStore: EventStore,
    readonly vault: PersonalDataVault,
    readonly sql: SqlQueryable,
    readonly readStore: DataSource,
    private readonly onClose: () => Promise<void>,
  ) {
    super();
  }
  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
    if (this.kind === 'eventstoredb') await this.eventStore.readStream('lifecycle-readiness-probe', { maxCount: 1 });
  }
  async close(): Promise<void> {
    await this.readStore.destroy().catch(() => undefined);
    await this.eventStore.close();
    await this.onClose();
  }
}

/** Embedded PGlite by default; real Postgres when DATABASE_URL is set. Same SQL either way. */
export async function openStorage(config: EngineConfig): Promise<Storage> {
  // With EVENTSTORE_URL the log lives in EventStoreDB; keys and read models stay in the SQL database,
  // which must then be Postgres: read models on an in-process PGlite would be one process's alone.
  if (config.eventStoreUrl && !config.databaseUrl) {
    throw new ConfigError('EVENTSTORE_URL needs DATABASE_URL: with the log in EventStoreDB, keys and read models live in Postgres');
  }
  // The clock stream carries the live ticks, which projections read from the global log too.
  const logOn = config.eventStoreUrl
    ? await connectEventStoreDbEventStore(config.eventStoreUrl, { streamPrefixes: [CUSTOMER_STREAM_PREFIX, CLOCK_STREAM_ID] })
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
  const readStore = await openEmbeddedReadStore(db, READ_MODELS);
  return new OpenedStorage(logOn ? 'eventstoredb' : 'embedded', eventStore, vault, db, readStore, onClose);
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
  // A pool of its own, on the same database: TypeORM manages its connections, pg's pool stays the log's.
  const { connectionString, host, port, user, password, database, ssl } = pool.options;
  const readStore = await openPostgresReadStore({ connectionString, host, port, user, password, database, ssl }, READ_MODELS);
  return new OpenedStorage(logOn ? 'eventstoredb' : 'postgres', eventStore, vault, pool, readStore, onClose);
}
