import type { Pool } from 'pg';
import { EventStore } from '../event-store';
import { openSqlEventStore, SqlEventStoreOptions } from '../sql/sql-event-store';
import { openOwnedPool } from './owned-pool';
import { pgPoolSqlClient } from './pg-pool-sql-client';

/** The SQL event store on Postgres. The caller owns the pool: closing the store leaves it open. */
export function createPostgresEventStore(pool: Pool, options: SqlEventStoreOptions = {}): Promise<EventStore> {
  return openSqlEventStore(pgPoolSqlClient(pool), options);
}

/** Same, on a pool of its own (from `DATABASE_URL`); closing the store ends the pool. */
export async function connectPostgresEventStore(connectionString: string, options: SqlEventStoreOptions = {}): Promise<EventStore> {
  const { pool, close } = openOwnedPool(connectionString);
  try {
    return await openSqlEventStore(pgPoolSqlClient(pool), options, close);
  } catch (error) {
    await close();
    throw error;
  }
}
