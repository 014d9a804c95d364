/**
 * The little the SQL event store needs from a driver. pg.Pool and PGlite each get a ten-line
 * implementation (postgres/pg-pool-sql-client.ts, pglite/pglite-sql-client.ts), so that the SQL
 * modules are the same text on both.
 *
 * PGlite would read int8 into a JS number, losing digits past 2^53, so the SQL modules select
 * int8 columns cast to text (the same bytes pg sends anyway); `toBigInt` turns them into bigints.
 */
export interface SqlClient {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs `fn` in one transaction on one connection; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (client: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Read events as one JSON text per page (read-all.sql.ts, `pageAsJson`). PGlite decodes every
   * column of every row in JavaScript, and that, not the query, was most of a read; one value and
   * one JSON.parse cost a fraction of it. pg decodes rows cheaply enough that it does not gain.
   */
  readonly pagesAsJson?: boolean;
}

export const toBigInt = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as string | number));

/** SQLSTATE of a driver error (pg and PGlite both put it in `code`), if there is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 ? code : undefined;
}
