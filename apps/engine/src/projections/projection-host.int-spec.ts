import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PROJECTION_FAMILIES, READ_MODELS } from '@lifecycle/projections';
import { createPostgresEventStore, eventIdFor, type EventStore } from '@lifecycle/event-store';
import { eventsTableLag, HostedProjections, openPostgresReadStore } from '@lifecycle/read-store';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { rebuildProjection } from '../../../cli/src/commands/projections.command';
import { SPEND_BAND, spendBandFamily } from '../../../../projections/testing/spend-band.family';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { validateEngineConfig } from '../config/engine-config';
import { createEngine } from '../engine';
import { startTestEngine, type TestEngine } from '../testing/test-engine';
import { ProjectionHost } from './projection-host';

/** Waits for a condition that another process brings about (a poll of the definitions table); fails with its description. */
async function eventually(what: string, check: () => Promise<boolean>, limitMs = 30_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`still not true after ${limitMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithPostgres('the engine and a CLI rebuild on one Postgres database', () => {
  let database: { url: string; drop: () => Promise<void> };
  let t: TestEngine;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase('le_host');
    t = await startTestEngine({ databaseUrl: database.url });
    dir = mkdtempSync(join(tmpdir(), 'le-host-'));
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const buy = (customerId: string, orderId: string, amount: number) =>
    t.http.post(`/customers/${customerId}/purchases`).set('x-api-key', t.keys.ingest)
      .send({ orderId, amount, currency: 'EUR', occurredAt: '2024-04-01T10:00:00Z' }).expect(201);

  /** customer-summary rows of a version, without the version: what two versions built from one log must agree on. */
  const rows = async (version: number) =>
    ((await t.engine.storage.readStore.query(
      `SELECT (to_jsonb(s) - 'projection_version')::text AS row FROM customer_summary s WHERE projection_version = $1 ORDER BY customer_id`,
      [version],
    )) as { row: string }[]).map((r) => r.row);

  it('builds v2 beside the engine while it takes purchases, switches, and the engine carries v2 on: every order counted once', async () => {
    for (let i = 0; i < 40; i++) await buy(`c-${i % 7}`, `o-${i}`, 1000 + i);
    const host = t.engine.app.get(ProjectionHost);
    await host.catchUp();

    // The CLI is another process: its own pools on the same database.
    const pool = new Pool({ connectionString: database.url, max: 3 });
    const eventStore = await createPostgresEventStore(pool);
    const readStore = await openPostgresReadStore(database.url, READ_MODELS);
    const file = join(dir, 'customer-summary.v2.yaml');
    writeFileSync(file, 'projection: customer-summary\nversion: 2\ndescription: the same fold, built again\n');
    try {
      const rebuilding = rebuildProjection(
        {
          readStore, eventStore, families: PROJECTION_FAMILIES, exclusive: false, eventsBehind: eventsTableLag(readStore),
          out: () => undefined, progress: { tty: false, write: () => undefined },
        },
        'customer-summary', file, { switchTo: true },
      );
      // Meanwhile the engine takes more purchases (and keeps v1 current).
      for (let i = 40; i < 60; i++) await buy(`c-${i % 7}`, `o-${i}`, 1000 + i);
      const result = await rebuilding;
      expect(result).toMatchObject({ version: 2, registered: 'new', switched: true, activeVersion: 2 });
    } finally {
      await readStore.destroy();
      await eventStore.close();
      await pool.end();
    }

    // The engine picks v2 up from the definitions table once the CLI let go of it, and drives it.
    await eventually('the engine drives customer-summary v2', async () =>
      (await host.status()).projections.some((p) => p.name === 'customer-summary' && p.version === 2 && p.state === 'live' && p.drivenBy !== null && !p.drivenBy.startsWith('cli:')));
    for (let i = 60; i < 70; i++) await buy(`c-${i % 7}`, `o-${i}`, 1000 + i);
    await host.catchUp();

    const { projections } = await host.status();
    const cs = projections.filter((p) => p.name === 'customer-summary');
    expect(cs.map((p) => [p.version, p.active, p.state, p.lastError])).toEqual([[1, false, 'live', null], [2, true, 'live', null]]);
    const v2 = await rows(2);
    expect(v2).toEqual(await rows(1));
    const orders = v2.map((r) => (JSON.parse(r) as { order_count: number }).order_count).reduce((a, b) => a + b, 0);
    expect(orders).toBe(70);
  });

  it('rebuild --no-switch, the engine takes the version over, then rebuild again follows it and switches', async () => {
    const host = t.engine.app.get(ProjectionHost);
    const pool = new Pool({ connectionString: database.url, max: 3 });
    const eventStore = await createPostgresEventStore(pool);
    const readStore = await openPostgresReadStore(database.url, READ_MODELS);
    const lines: string[] = [];
    const ctx = {
      readStore, eventStore, families: PROJECTION_FAMILIES, exclusive: false, eventsBehind: eventsTableLag(readStore),
      out: () => undefined, progress: { tty: false, write: (line: string) => lines.push(line) },
    };
    const file = join(dir, 'customer-summary.v3.yaml');
    writeFileSync(file, 'projection: customer-summary\nversion: 3\n');
    try {
      const built = await rebuildProjection(ctx, 'customer-summary', file, { switchTo: false });
      expect(built).toMatchObject({ version: 3, switched: false, activeVersion: 2, builtBy: 'this command' });
      await eventually('the engine drives customer-summary v3', async () =>
        (await host.status()).projections.some((p) => p.name === 'customer-summary' && p.version === 3 && p.drivenBy !== null && !p.drivenBy.startsWith('cli:')));
      await buy('c-1', 'o-after-v3', 500);

      const switched = await rebuildProjection(ctx, 'customer-summary', file, { switchTo: true });
      expect(switched).toMatchObject({ version: 3, registered: 'existing', switched: true, activeVersion: 3 });
      expect(switched.builtBy).not.toBe('this command');
      expect(switched.builtBy.startsWith('cli:')).toBe(false);
    } finally {
      await readStore.destroy();
      await eventStore.close();
      await pool.end();
    }
    await host.catchUp();
    expect(await rows(3)).toEqual(await rows(2));
    const { projections } = await host.status();
    expect(projections.filter((p) => p.name === 'customer-summary' && p.active).map((p) => p.version)).toEqual([3]);
  });

  it('ROLE=api builds nothing and lists what the projector drives, from the tables', async () => {
    const adminKey = `test-api-admin-${randomBytes(8).toString('hex')}`;
    const config = validateEngineConfig({
      role: 'api', databaseUrl: database.url, masterKey: randomBytes(32).toString('base64'), adminKey, logLevel: 'silent',
    });
    const api = await createEngine(config);
    await api.app.init();
    try {
      const host = api.app.get(ProjectionHost);
      expect(host.running).toBe(false);
      const res = await request(api.app.getHttpServer()).get('/projections').set('x-api-key', adminKey).expect(200);
      const projector = t.engine.app.get(ProjectionHost);
      const driven = (await projector.status()).projections.find((p) => p.name === 'customer-summary' && p.active)!;
      expect(res.body.projections).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'customer-summary', version: driven.version, active: true, drivenBy: driven.drivenBy, eventsBehind: 0 })]),
      );
      const metrics = (await request(api.app.getHttpServer()).get('/metrics').expect(200)).text;
      expect(metrics).toContain(`lifecycle_projection_active{projection="customer-summary",version="${driven.version}"} 1`);
    } finally {
      await api.app.close();
    }
  });
});

describeWithPostgres('two projectors on one Postgres database', () => {
  let database: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let eventStore: EventStore;
  beforeAll(async () => {
    database = await createTestDatabase('le_leases');
    pool = new Pool({ connectionString: database.url, max: 4 });
    eventStore = await createPostgresEventStore(pool);
  });
  afterAll(async () => {
    await eventStore?.close();
    await pool?.end();
    await database?.drop();
  });

  it('drive each version once: the second waits for the lease, takes over when the first stops, and counts nothing twice', async () => {
    const open = async () => {
      const readStore = await openPostgresReadStore(database.url, spendBandFamily.readModel);
      const hosted = new HostedProjections({ dataSource: readStore, eventStore, families: [spendBandFamily], pollMs: 100, leaseMs: 2000 });
      return { readStore, hosted };
    };
    const append = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const streamId = `customer-k${i % 5}`;
        await eventStore.appendToStream(
          streamId,
          [{ id: eventIdFor(streamId, `o-${i}`), type: 'PurchaseRecorded', data: { customerId: `k${i % 5}`, orderId: `o-${i}`, amount: 100, currency: 'EUR', occurredAt: '2024-01-01T00:00:00Z' } }],
          { expectedRevision: 'any' },
        );
      }
    };
    await append(0, 50);
    const a = await open();
    const b = await open();
    await a.hosted.start();
    await b.hosted.start();
    expect(a.hosted.drives(SPEND_BAND, 1)).toBe(true);
    expect(b.hosted.drives(SPEND_BAND, 1)).toBe(false);
    await append(50, 80);
    await a.hosted.catchUp();
    // b reports a's work from the tables without doing it.
    const seenByB = (await b.hosted.status()).projections.find((p) => p.name === SPEND_BAND)!;
    expect(seenByB).toMatchObject({ version: 1, active: true, drivenBy: a.hosted.owner });

    await a.hosted.stop(); // releases the lease
    await eventually('b takes spend-band v1 over', async () => b.hosted.drives(SPEND_BAND, 1));
    await append(80, 100);
    await b.hosted.catchUp();
    const spent = (await b.readStore.query(`SELECT customer_id, spent::int AS spent FROM test_spend_band WHERE projection_version = 1 ORDER BY 1`)) as {
      customer_id: string;
      spent: number;
    }[];
    expect(spent).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'].map((customer_id) => ({ customer_id, spent: 20 * 100 })));
    const status = (await b.hosted.status()).projections.find((p) => p.name === SPEND_BAND)!;
    expect(status).toMatchObject({ state: 'live', lastError: null, drivenBy: b.hosted.owner });
    await b.hosted.stop();
    await a.readStore.destroy();
    await b.readStore.destroy();
  });
});
