import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Server suites (*.int-spec.ts) run against real Postgres and Kafka. Outside CI a missing server
 * skips the suite with a clear message; under CI=true a missing server fails the run.
 */
export const inCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

export const postgresAdminUrl = (): string =>
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresReachable(): Promise<string | null> {
  const client = new Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `describe` for suites that need Postgres. The availability check runs once, synchronously
 * before jest collects the suite, through a child process (jest cannot collect tests lazily).
 */
export function describeWithPostgres(name: string, body: () => void): void {
  const reason = postgresUnavailableReason();
  if (reason === null) {
    describe(name, body);
    return;
  }
  if (inCi()) {
    describe(name, () => {
      it('needs Postgres, and CI=true makes a missing server a failure', () => {
        throw new Error(`Postgres is not reachable at ${postgresAdminUrl()}: ${reason}`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": Postgres is not reachable at ${postgresAdminUrl()} (${reason}). Set TEST_DATABASE_URL or start Postgres.`);
  describe.skip(name, body);
}

let cachedReason: string | null | undefined;
function postgresUnavailableReason(): string | null {
  if (cachedReason !== undefined) return cachedReason;
  // Synchronous probe: a tiny node process tries to connect and prints the error, if any.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const probe = `
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 2000 });
    c.connect().then(() => c.query('select 1')).then(() => { process.stdout.write('ok'); return c.end(); })
      .catch((e) => { process.stdout.write(String(e && e.message || e)); process.exit(0); });`;
  const result = spawnSync(process.execPath, ['-e', probe, postgresAdminUrl()], { encoding: 'utf8', timeout: 10_000 });
  const out = (result.stdout ?? '').trim();
  cachedReason = out === 'ok' ? null : out || `probe failed (${result.error?.message ?? 'no output'})`;
  return cachedReason;
}

/** A fresh, empty database for one suite; drop it with the returned function. */
export async function createTestDatabase(prefix = 'le_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const reason = await postgresReachable();
  if (reason !== null) throw new Error(`Postgres is not reachable: ${reason}`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: postgresAdminUrl() });
      await c.connect();
      try {
        // A pg Pool's end() resolves before its sockets have closed. FORCE would terminate such a
        // closing connection, and pg reports that as an 'error' event on a pool nobody listens to any
        // more, which fails the suite. So wait (briefly) for the suite's connections to go first.
        for (let waited = 0; waited < 5_000; waited += 50) {
          const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
