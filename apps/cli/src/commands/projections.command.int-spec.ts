import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { createPostgresEventStore, eventIdFor } from '@lifecycle/event-store';
import { eventsTableLag, openPostgresReadStore } from '@lifecycle/read-store';
import { createTestDatabase, describeWithPostgres, postgresAdminUrl } from '@lifecycle/testing';
import { projectionsCliContract } from '../../../../projections/testing/projections-cli.contract';
import { SPEND_BAND, spendBandFamily } from '../../../../projections/testing/spend-band.family';
import { rebuildProjection } from './projections.command';

describeWithPostgres('lifecycle projections rebuild -> list -> diff (Postgres)', () => {
  projectionsCliContract(async () => {
    const database = await createTestDatabase('le_projections_cli');
    const pool = new Pool({ connectionString: database.url, max: 4 });
    const eventStore = await createPostgresEventStore(pool);
    const readStore = await openPostgresReadStore(database.url, spendBandFamily.readModel);
    return {
      readStore,
      eventStore,
      exclusive: false,
      close: async () => {
        await readStore.destroy();
        await eventStore.close();
        await pool.end();
        await database.drop();
      },
    };
  });
});

describeWithPostgres('lifecycle projections rebuild while a transaction is open elsewhere on the server', () => {
  // CI once saw `rebuild` report 0 events: another suite's transaction, in another database, hid the
  // log from the gap-safe read, and the first empty read was taken for "caught up".
  it('waits for every event committed before it started, then reports them all', async () => {
    const database = await createTestDatabase('le_projections_cli_held');
    const pool = new Pool({ connectionString: database.url, max: 4 });
    const eventStore = await createPostgresEventStore(pool);
    const readStore = await openPostgresReadStore(database.url, spendBandFamily.readModel);
    const dir = mkdtempSync(join(tmpdir(), 'le-projections-held-'));
    const elsewhere = new Client({ connectionString: postgresAdminUrl() });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()'); // a transaction id: it now holds back every reader
      for (const n of [1, 2, 3]) {
        const streamId = `customer-c${n}`;
        const data = { customerId: `c${n}`, orderId: `o-${n}`, amount: 5000 * n, currency: 'EUR', occurredAt: '2024-01-01T00:00:00Z' };
        await eventStore.appendToStream(streamId, [{ id: eventIdFor(streamId, `o-${n}`), type: 'PurchaseRecorded', data }], { expectedRevision: 'any' });
      }
      const file = join(dir, 'v1.yaml');
      writeFileSync(file, `projection: ${SPEND_BAND}\nversion: 1\nthreshold: 10000\n`);
      const ctx = {
        readStore, eventStore, families: [spendBandFamily], exclusive: false, eventsBehind: eventsTableLag(readStore),
        out: () => undefined, progress: { tty: false, write: () => undefined },
      };
      let finished = false;
      const rebuilt = rebuildProjection(ctx, SPEND_BAND, file, { switchTo: true }).finally(() => (finished = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(finished).toBe(false);

      await elsewhere.query('COMMIT');
      expect(await rebuilt).toMatchObject({ events: 3, switched: true });
      const bands = await readStore.query(`SELECT customer_id, band FROM test_spend_band WHERE projection_version = 1 ORDER BY 1`);
      expect(bands).toEqual([{ customer_id: 'c1', band: 'low' }, { customer_id: 'c2', band: 'high' }, { customer_id: 'c3', band: 'high' }]);
    } finally {
      await elsewhere.query('ROLLBACK').catch(() => undefined);
      await elsewhere.end();
      await readStore.destroy();
      await eventStore.close();
      await pool.end();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
