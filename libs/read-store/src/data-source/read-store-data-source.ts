import type { PoolConfig } from 'pg';
import { DataSource, MigrationExecutor, type MixedList } from 'typeorm';
import type { EmbeddedDatabase } from '@lifecycle/event-store';
import { ProjectionCheckpoints1767225600000 } from '../migrations/1767225600000-projection-checkpoints';
import { ProjectionDefinitions1767225600100 } from '../migrations/1767225600100-projection-definitions';
import { ProjectionCheckpoint } from '../projections/projection-checkpoint.entity';
import { embeddedPgDriver } from './embedded-pg-driver';

export const READ_STORE_MIGRATIONS_TABLE = 'read_store_migrations';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity and migration classes
type ClassList = MixedList<Function>;

/** The read models a process serves: their entities and the migrations that create their tables. */
export interface ReadModels {
  readonly entities: ClassList;
  readonly migrations: ClassList;
}

export interface ReadStoreOptions {
  /** Log every statement TypeORM sends (debugging). */
  readonly logging?: boolean;
  /** Run pending migrations before returning (default true). */
  readonly migrate?: boolean;
}

/**
 * A TypeORM DataSource on the process's PGlite. Every connection TypeORM takes is an exclusive
 * lease on the shared instance (see embedded-pg-driver.ts), so while a read-model transaction is
 * open nothing else runs on PGlite, and the other way round. Hence the one rule for callers: inside
 * a TypeORM transaction on this DataSource, do not wait for anything else that uses the database
 * (the event store, the key vault, another query on this DataSource outside the transaction's
 * manager): it queues behind the lease you hold and both wait for ever.
 * `destroy()` leaves the EmbeddedDatabase open; its owner closes it.
 */
export function openEmbeddedReadStore(db: EmbeddedDatabase, models: ReadModels, options: ReadStoreOptions = {}): Promise<DataSource> {
  return open(
    new DataSource({
      type: 'postgres',
      driver: embeddedPgDriver(db),
      // Nothing to install, and PGlite ships no extensions to look for.
      installExtensions: false,
      ...common(models, options),
    }),
    options,
  );
}

/** A TypeORM DataSource on Postgres, with a pg pool of its own (closed by `destroy()`). */
export function openPostgresReadStore(
  connection: string | PoolConfig,
  models: ReadModels,
  options: ReadStoreOptions & { readonly poolSize?: number } = {},
): Promise<DataSource> {
  const target = typeof connection === 'string' ? { url: connection } : { extra: connection };
  return open(
    new DataSource({
      type: 'postgres',
      ...target,
      poolSize: options.poolSize ?? 5,
      installExtensions: false,
      ...common(models, options),
    }),
    options,
  );
}

function common(models: ReadModels, options: ReadStoreOptions) {
  return {
    entities: [ProjectionCheckpoint, ...asArray(models.entities)],
    migrations: [ProjectionCheckpoints1767225600000, ProjectionDefinitions1767225600100, ...asArray(models.migrations)],
    migrationsTableName: READ_STORE_MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: options.logging ?? false,
  };
}

async function open(dataSource: DataSource, options: ReadStoreOptions): Promise<DataSource> {
  await dataSource.initialize();
  try {
    if (options.migrate ?? true) await migrateReadStore(dataSource);
    return dataSource;
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

// Any constant will do, as long as nobody else locks it; this one spells "readstor" (0x7265616473746f72;
// hexadecimal literals need Postgres 16).
const MIGRATION_LOCK = '8243101777033195378';

/**
 * TypeORM's `migrationsRun`, made safe for two processes starting at once on one Postgres: the
 * migrations run in one transaction that first takes an advisory lock, so the second process waits,
 * then finds them applied. One query runner throughout, which on PGlite is one lease.
 */
export async function migrateReadStore(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await runner.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK}::int8)`);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'all';
    await executor.executePendingMigrations();
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- as above
type Class = Function;

function asArray(list: ClassList): Class[] {
  return Array.isArray(list) ? list : (Object.values(list) as Class[]);
}
