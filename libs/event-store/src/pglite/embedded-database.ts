import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { PGlite, type Results } from '@electric-sql/pglite';

export class EmbeddedDatabaseClosedError extends Error {
  readonly code = 'EMBEDDED_DATABASE.CLOSED';
  constructor() {
    super('the embedded database is closed');
    this.name = 'EmbeddedDatabaseClosedError';
  }
}

/** runExclusive was called from inside runExclusive: waiting for ourselves would hang forever. */
export class EmbeddedDatabaseReentryError extends Error {
  readonly code = 'EMBEDDED_DATABASE.REENTRY';
  constructor() {
    super('runExclusive was called inside runExclusive; use the PGlite instance you were given instead');
    this.name = 'EmbeddedDatabaseReentryError';
  }
}

/**
 * The one PGlite instance of a process. PGlite is a single Postgres connection, and the event
 * store, the key vault and the read models all share it, so whoever opens a transaction must
 * not see another caller's statements land inside it (PGlite's own `transaction()` guards
 * against that, but a driver that sends BEGIN as a plain query does not).
 *
 * The rule for every user: all work on the instance goes through `runExclusive`, and a
 * transaction begins and ends inside one call. Calls run one at a time, in call order. The
 * callback gets the raw PGlite; it must not call `runExclusive` again (that would wait for itself,
 * so it throws EmbeddedDatabaseReentryError), and it must not leave anything running after it
 * resolves.
 */
export class EmbeddedDatabase {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  // Marks the async context of a callback while it holds the database, to catch re-entry.
  private readonly holder = new AsyncLocalStorage<{ active: boolean }>();

  private constructor(
    private readonly pglite: PGlite,
    readonly dataDir: string | undefined,
  ) {}

  /** `dataDir`: directory of the database files, created if missing; in memory when omitted (tests). */
  static async open(dataDir?: string): Promise<EmbeddedDatabase> {
    // PGlite creates the last directory only; './data' itself may not exist on a first start.
    if (dataDir !== undefined && !dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
    const pglite = await PGlite.create(dataDir);
    return new EmbeddedDatabase(pglite, dataDir);
  }

  /** One statement in its turn; the shape of `pg.Pool#query`, so the two can be used alike. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Results<R>> {
    return this.runExclusive((pglite) => pglite.query<R>(sql, params));
  }

  runExclusive<T>(fn: (pglite: PGlite) => Promise<T>): Promise<T> {
    if (this.holder.getStore()?.active) return Promise.reject(new EmbeddedDatabaseReentryError());
    if (this.closed) return Promise.reject(new EmbeddedDatabaseClosedError());
    const run = this.tail.then(async () => {
      const hold = { active: true };
      try {
        return await this.holder.run(hold, () => fn(this.pglite));
      } finally {
        hold.active = false;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Waits for the work already queued, then closes PGlite. Later calls are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.pglite.close();
  }
}
