import type { PGlite, Transaction } from '@electric-sql/pglite';
import { SqlClient } from '../sql/sql-client';
import { EmbeddedDatabase } from './embedded-database';

// PGlite reads int8 into a JS number; positions and revisions want every digit.
const INT8_OID = 20;
const OPTIONS = { parsers: { [INT8_OID]: (value: string) => BigInt(value) } };

/** Every statement and every transaction of the event store takes its turn on the shared instance. */
export function pgliteSqlClient(db: EmbeddedDatabase): SqlClient {
  return {
    query: (sql, params = []) => db.runExclusive((pglite) => run(pglite, sql, params)),
    transaction: (fn) => db.runExclusive((pglite) => pglite.transaction((tx) => fn(transactionClient(tx)))),
  };
}

function transactionClient(tx: Transaction): SqlClient {
  const client: SqlClient = {
    query: (sql, params = []) => run(tx, sql, params),
    // Already in one: a nested call joins it.
    transaction: (fn) => fn(client),
  };
  return client;
}

async function run<R>(target: PGlite | Transaction, sql: string, params: readonly unknown[]): Promise<R[]> {
  const result = await target.query<R>(sql, [...params], OPTIONS);
  return result.rows;
}
