import type { PGlite, Transaction } from '@electric-sql/pglite';
import { SqlClient } from '../sql/sql-client';
import { EmbeddedDatabase } from './embedded-database';

/** Every statement and every transaction of the event store takes its turn on the shared instance. */
export function pgliteSqlClient(db: EmbeddedDatabase): SqlClient {
  return {
    query: (sql, params = []) => db.runExclusive((pglite) => run(pglite, sql, params)),
    transaction: (fn) => db.runExclusive((pglite) => pglite.transaction((tx) => fn(transactionClient(tx)))),
    pagesAsJson: true,
  };
}

function transactionClient(tx: Transaction): SqlClient {
  const client: SqlClient = {
    query: (sql, params = []) => run(tx, sql, params),
    // Already in one: a nested call joins it.
    transaction: (fn) => fn(client),
    pagesAsJson: true,
  };
  return client;
}

async function run<R>(target: PGlite | Transaction, sql: string, params: readonly unknown[]): Promise<R[]> {
  // No per-query parsers: PGlite copies its whole parser table for every query given some, which
  // cost a fifth of a single append. The SQL modules select int8 columns as text instead.
  const result = await target.query<R>(sql, [...params]);
  return result.rows;
}
