import { EventEmitter } from 'node:events';
import type { PGlite, QueryOptions, Results } from '@electric-sql/pglite';
import type { EmbeddedDatabase } from '@lifecycle/event-store';
import { COPIES_FROM_BLOB } from './copy-rows';

// node-postgres hands int8 and numeric over as strings (TypeORM expects that and converts per
// column); PGlite would make numbers of them, silently rounding anything above 2^53.
const INT8 = 20;
const NUMERIC = 1700;
const PARSE_AS_PG_DOES = { [INT8]: (text: string) => text, [NUMERIC]: (text: string) => text };

const TEXT = 25;
const VARCHAR = 1043;
const JSON_OID = 114;
const JSONB = 3802;
const BYTEA = 17;
const LONG = 16 * 1024;
const JSONB_VERSION = Buffer.from([1]);

/** A Buffer for a bytea parameter as it is, in the binary format; PGlite would spell it out in hex. */
const bytesAsThey = (pglite: PGlite) => {
  const usual = pglite.serializers[BYTEA];
  return (value: unknown): string => (value instanceof Uint8Array ? (value as unknown as string) : usual ? usual(value) : String(value));
};

/**
 * Long text and JSON parameters go to PGlite as UTF-8 bytes in the binary format, which for these
 * types is the text itself (jsonb: after a version byte). Given a string, PGlite measures its UTF-8
 * length in a JavaScript loop, twice: for the one JSON document of a batch's rows that was the
 * largest single cost of the points fold (215 ms of 4.8 s over CDNOW_master). Per-query serializers
 * apply to the statement's own parameters, never to array elements, whose text form is required.
 */
const optionsOf = new WeakMap<PGlite, QueryOptions>();

/** Built once per PGlite instance: a lease is taken for every transaction. */
function queryOptionsFor(pglite: PGlite): QueryOptions {
  let options = optionsOf.get(pglite);
  if (!options) optionsOf.set(pglite, (options = buildQueryOptions(pglite)));
  return options;
}

function buildQueryOptions(pglite: PGlite): QueryOptions {
  const asBytes = (oid: number, prefix?: Buffer) => {
    const usual = pglite.serializers[oid];
    return (value: unknown): string => {
      if (typeof value === 'string' && value.length >= LONG) {
        const bytes = prefix ? Buffer.concat([prefix, Buffer.from(value, 'utf8')]) : Buffer.from(value, 'utf8');
        // PGlite's type says string, but its bind sends any Uint8Array as it is, in the binary format.
        return bytes as unknown as string;
      }
      return usual ? usual(value) : String(value);
    };
  };
  return {
    parsers: PARSE_AS_PG_DOES,
    serializers: { [BYTEA]: bytesAsThey(pglite), [TEXT]: asBytes(TEXT), [VARCHAR]: asBytes(VARCHAR), [JSON_OID]: asBytes(JSON_OID), [JSONB]: asBytes(JSONB, JSONB_VERSION) },
  };
}

/** What TypeORM's postgres driver reads from a node-postgres result. */
export interface PgLikeResult {
  readonly rows: unknown[];
  readonly rowCount: number;
  readonly command: string;
  readonly fields: Results['fields'];
}

type QueryCallback = (error: Error | null, result?: PgLikeResult) => void;
type ConnectCallback = (error: Error | null, client?: LeasedClient, release?: (error?: unknown) => void) => void;

export class LeasedClientReleasedError extends Error {
  readonly code = 'READ_STORE.CLIENT_RELEASED';
  constructor() {
    super('this embedded database lease was released; statements on it would run outside it');
    this.name = 'LeasedClientReleasedError';
  }
}

/**
 * A node-postgres `Client` look-alike that holds the process's PGlite exclusively, from the pool's
 * `connect` until `release`. Everybody else who wants the database (the event store, the key vault,
 * other TypeORM query runners) waits in `runExclusive` meanwhile, so a TypeORM transaction, sent as
 * plain BEGIN ... COMMIT statements, never has a stranger's statement land inside it.
 */
export class LeasedClient extends EventEmitter {
  private released = false;
  private readonly options: QueryOptions;

  constructor(
    private readonly pglite: PGlite,
    private readonly onRelease: () => void,
  ) {
    super();
    this.options = queryOptionsFor(pglite);
  }

  query(sql: string, params?: unknown[] | QueryCallback, callback?: QueryCallback): Promise<PgLikeResult> | undefined {
    const cb = typeof params === 'function' ? params : callback;
    const values = typeof params === 'function' ? undefined : params;
    const result = this.run(sql, values);
    if (!cb) return result;
    result.then((r) => cb(null, r), (error: Error) => cb(error));
    return undefined;
  }

  /** pg's signature: synchronous, an error argument means "do not reuse", which here changes nothing. */
  release(_error?: unknown): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }

  /** Called by the pool while the lease is still held: nobody may inherit an open transaction. */
  async rollBackIfLeftOpen(): Promise<void> {
    if (this.pglite.isInTransaction()) await this.pglite.exec('ROLLBACK');
  }

  private async run(sql: string, params: unknown[] | undefined): Promise<PgLikeResult> {
    if (this.released) throw new LeasedClientReleasedError();
    // copy-rows.ts: `COPY ... FROM '/dev/blob'` with the blob as its one parameter (pg would stream it).
    if (params?.length === 1 && params[0] instanceof Blob && /^\s*COPY\b/i.test(sql)) {
      return toPgResult(sql, await this.pglite.query(sql, [], { ...this.options, blob: params[0] }));
    }
    if (params && params.length > 0) {
      return toPgResult(sql, await this.pglite.query(sql, params, this.options));
    }
    // Without parameters a string may hold several statements (migrations, TypeORM's own DDL);
    // only the simple protocol takes those, and pg answers with the last statement's result.
    const results = await this.pglite.exec(sql, { parsers: PARSE_AS_PG_DOES });
    const last = results[results.length - 1];
    return toPgResult(sql, last ?? { rows: [], fields: [] });
  }
}

/**
 * The `driver` TypeORM's postgres driver is given instead of `require('pg')`: a `Pool` whose every
 * connection is an exclusive lease on the shared EmbeddedDatabase. The pool never owns PGlite:
 * `end()` returns the leases and leaves the database open for its other users.
 */
export function embeddedPgDriver(db: EmbeddedDatabase): { Pool: new () => EmbeddedPool; [COPIES_FROM_BLOB]: true } {
  return {
    Pool: class extends EmbeddedPool {
      constructor() {
        super(db);
      }
    },
    [COPIES_FROM_BLOB]: true,
  };
}

export class EmbeddedPool extends EventEmitter {
  private ended = false;

  constructor(private readonly db: EmbeddedDatabase) {
    super();
  }

  connect(callback?: ConnectCallback): Promise<LeasedClient> | undefined {
    const leased = this.lease();
    if (!callback) return leased;
    leased.then(
      (client) => callback(null, client, (error) => client.release(error)),
      (error: Error) => callback(error),
    );
    return undefined;
  }

  /** One statement on a lease of its own, as `pg.Pool#query`. */
  async query(sql: string, params?: unknown[]): Promise<PgLikeResult> {
    const client = await this.lease();
    try {
      return (await client.query(sql, params))!;
    } finally {
      client.release();
    }
  }

  end(callback?: (error?: Error) => void): Promise<void> | undefined {
    this.ended = true;
    if (!callback) return Promise.resolve();
    callback();
    return undefined;
  }

  private lease(): Promise<LeasedClient> {
    if (this.ended) return Promise.reject(new Error('the embedded read-store pool has ended'));
    return new Promise<LeasedClient>((granted, refused) => {
      // runExclusive resolves when the lease ends; until then the callback simply waits for release().
      this.db
        .runExclusive(async (pglite) => {
          let release!: () => void;
          const released = new Promise<void>((resolve) => (release = resolve));
          const client = new LeasedClient(pglite, release);
          granted(client);
          await released;
          await client.rollBackIfLeftOpen();
        })
        .catch(refused);
    });
  }
}

function toPgResult(sql: string, result: Results): PgLikeResult {
  return {
    rows: result.rows,
    // PGlite counts only written rows; pg counts returned ones too.
    rowCount: result.affectedRows || result.rows.length,
    command: commandOf(sql),
    fields: result.fields,
  };
}

/** pg reports the statement's command tag; TypeORM only looks at it to tell UPDATE and DELETE apart. */
function commandOf(sql: string): string {
  const match = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(sql);
  return match ? match[1]!.toUpperCase() : '';
}
