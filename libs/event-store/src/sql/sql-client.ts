/**
 * The little the SQL event store needs from a driver. pg.Pool and PGlite each get a ten-line
 * implementation (postgres/pg-pool-sql-client.ts, pglite/pglite-sql-client.ts), so that the SQL
 * modules are the same text on both.
 *
 * Both implementations return int8 columns as bigint-convertible values (strings from pg, bigints
 * from PGlite); `toBigInt` accepts either.
 */
export interface SqlClient {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs `fn` in one transaction on one connection; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (client: SqlClient) => Promise<T>): Promise<T>;
}

export const toBigInt = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as string | number));

/** SQLSTATE of a driver error (pg and PGlite both put it in `code`), if there is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 ? code : undefined;
}
