import type { Pool, PoolClient } from 'pg';
import { SqlClient } from '../sql/sql-client';

export function pgPoolSqlClient(pool: Pool): SqlClient {
  return {
    query: async (sql, params = []) => (await pool.query(sql, [...params])).rows,
    transaction: async (fn) => {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const result = await fn(connectionClient(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
  };
}

function connectionClient(connection: PoolClient): SqlClient {
  const client: SqlClient = {
    query: async (sql, params = []) => (await connection.query(sql, [...params])).rows,
    // Already in one: a nested call joins it.
    transaction: (fn) => fn(client),
  };
  return client;
}
