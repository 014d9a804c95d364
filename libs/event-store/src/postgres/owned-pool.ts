import { Pool } from 'pg';

/**
 * A pool whose close() resolves only once every connection is really gone. pg-pool's end()
 * resolves before its connections finish closing; whoever then drops the database, or stops the
 * server, would kill the stragglers, and pg reports that as an unhandled 'error' event.
 */
export function openOwnedPool(connectionString: string, max = 10): { pool: Pool; close: () => Promise<void> } {
  const pool = new Pool({ connectionString, max });
  const ended: Array<Promise<void>> = [];
  pool.on('connect', (client) => ended.push(new Promise((resolve) => client.once('end', () => resolve()))));
  return {
    pool,
    close: async () => {
      await pool.end();
      await Promise.all(ended);
    },
  };
}
