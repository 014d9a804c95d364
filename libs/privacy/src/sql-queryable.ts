/** The one thing the vault needs from a database: single statements. pg.Pool and PGlite both fit. */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}
