import { createEmbeddedEventStore, EmbeddedDatabase, eventIdFor, type EventStore } from '@lifecycle/event-store';
import type { DataSource } from 'typeorm';
import { SPEND_BAND, spendBandFamily } from '../../../../projections/testing/spend-band.family';
import { openEmbeddedReadStore } from '../data-source/read-store-data-source';
import { HostedProjections } from './hosted-projections';
import { readDefinitions, registerDefinition } from './projection-definitions.sql';
import { claimLease } from './projection-leases.sql';

describe('HostedProjections (PGlite)', () => {
  let db: EmbeddedDatabase;
  let eventStore: EventStore;
  let ds: DataSource;
  beforeEach(async () => {
    db = await EmbeddedDatabase.open();
    eventStore = await createEmbeddedEventStore(db);
    ds = await openEmbeddedReadStore(db, spendBandFamily.readModel);
    for (const [customerId, amount] of [['a', 5000], ['b', 12000], ['c', 30000]] as const) {
      const streamId = `customer-${customerId}`;
      await eventStore.appendToStream(
        streamId,
        [{ id: eventIdFor(streamId, 'o'), type: 'PurchaseRecorded', data: { customerId, orderId: 'o', amount, currency: 'EUR', occurredAt: '2024-01-01T00:00:00Z' } }],
        { expectedRevision: 'no-stream' },
      );
    }
  });
  afterEach(async () => {
    await ds.destroy();
    await eventStore.close();
    await db.close();
  });

  const bands = async (version: number) =>
    ((await ds.query(`SELECT customer_id, band FROM test_spend_band WHERE projection_version = $1 ORDER BY 1`, [version])) as { customer_id: string; band: string }[])
      .map((r) => `${r.customer_id}:${r.band}`);

  it('registers the default definition on first start and builds it', async () => {
    const hosted = new HostedProjections({ dataSource: ds, eventStore, families: [spendBandFamily], takeOver: true });
    await hosted.start();
    await hosted.catchUp();
    expect((await readDefinitions(ds.manager)).map((d) => [d.name, d.version, d.definition])).toEqual([[SPEND_BAND, 1, spendBandFamily.defaultDefinition]]);
    expect(await bands(1)).toEqual(['a:low', 'b:high', 'c:high']);
    await hosted.stop();
  });

  it('a process that starts builds every registered version from its stored definition', async () => {
    await registerDefinition(ds.manager, { name: SPEND_BAND, version: 2, definition: { projection: SPEND_BAND, version: 2, threshold: 20000 }, switchWhenCaughtUp: false });
    const hosted = new HostedProjections({ dataSource: ds, eventStore, families: [spendBandFamily], takeOver: true });
    await hosted.start();
    await hosted.catchUp();
    expect(await bands(1)).toEqual(['a:low', 'b:high', 'c:high']);
    expect(await bands(2)).toEqual(['a:low', 'b:low', 'c:high']);
    const { projections } = await hosted.status();
    // v2 was registered without switching: v1, the default, serves.
    expect(projections.map((p) => [p.version, p.active, p.state, p.drivenBy])).toEqual([[1, true, 'live', hosted.owner], [2, false, 'live', hosted.owner]]);
    await hosted.stop();
  });

  it('reports a changed default under an old version and an unparsable stored definition, and builds the rest', async () => {
    await registerDefinition(ds.manager, { name: SPEND_BAND, version: 1, definition: { projection: SPEND_BAND, version: 1, threshold: 1 }, switchWhenCaughtUp: true });
    await ds.query(`INSERT INTO projection_definitions (name, version, definition) VALUES ($1, 3, '{"projection":"${SPEND_BAND}","version":3,"threshold":"lots"}')`, [SPEND_BAND]);
    const hosted = new HostedProjections({ dataSource: ds, eventStore, families: [spendBandFamily], takeOver: true });
    await hosted.start();
    await hosted.catchUp();
    const { problems } = await hosted.status();
    expect(problems).toEqual([
      expect.objectContaining({ name: SPEND_BAND, version: 1, code: 'PROJECTION.DEFINITION_CONFLICT' }),
      expect.objectContaining({ name: SPEND_BAND, version: 3, code: 'PROJECTION.INVALID_DEFINITION', reason: expect.stringContaining('threshold') }),
    ]);
    // v1 is built from what was stored, not from the changed default.
    expect(await bands(1)).toEqual(['a:high', 'b:high', 'c:high']);
    await hosted.stop();
  });

  it('leaves a version to the process holding its lease, and takes it when the lease is released', async () => {
    expect(await claimLease(ds.manager, SPEND_BAND, 1, 'someone-else', 60_000)).toBe(true);
    const hosted = new HostedProjections({ dataSource: ds, eventStore, families: [spendBandFamily], pollMs: 100 });
    await hosted.start();
    expect(hosted.drives(SPEND_BAND, 1)).toBe(false);
    expect((await hosted.status()).projections).toEqual([expect.objectContaining({ version: 1, drivenBy: 'someone-else' })]);
    expect(await bands(1)).toEqual([]);
    await ds.query(`UPDATE projection_checkpoints SET lease_owner = NULL, lease_until = NULL`);
    for (let i = 0; i < 100 && !hosted.drives(SPEND_BAND, 1); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hosted.drives(SPEND_BAND, 1)).toBe(true);
    await hosted.catchUp();
    expect(await bands(1)).toEqual(['a:low', 'b:high', 'c:high']);
    await hosted.stop();
    // Stopping lets go of it.
    expect(await claimLease(ds.manager, SPEND_BAND, 1, 'someone-else', 60_000)).toBe(true);
  });

  it('lets go of a version whose definition was unregistered (projections drop), releasing its lease', async () => {
    await registerDefinition(ds.manager, { name: SPEND_BAND, version: 2, definition: { projection: SPEND_BAND, version: 2, threshold: 20000 }, switchWhenCaughtUp: false });
    const hosted = new HostedProjections({ dataSource: ds, eventStore, families: [spendBandFamily], pollMs: 50 });
    await hosted.start();
    await hosted.catchUp();
    expect(hosted.drives(SPEND_BAND, 2)).toBe(true);
    await ds.query(`DELETE FROM projection_definitions WHERE name = $1 AND version = 2`, [SPEND_BAND]);
    for (let i = 0; i < 100 && hosted.drives(SPEND_BAND, 2); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hosted.drives(SPEND_BAND, 2)).toBe(false);
    expect(hosted.drives(SPEND_BAND, 1)).toBe(true);
    // Free for whoever deletes its rows; v1 is still held.
    expect(await claimLease(ds.manager, SPEND_BAND, 2, 'the-dropper', 60_000)).toBe(true);
    expect(await claimLease(ds.manager, SPEND_BAND, 1, 'the-dropper', 60_000)).toBe(false);
    await hosted.stop();
  });

  it('stops driving a version whose lease another process took over, and writes nothing more to it', async () => {
    const hosted = new HostedProjections({ dataSource: ds, eventStore, families: [spendBandFamily], pollMs: 100 });
    await hosted.start();
    await hosted.catchUp();
    expect(hosted.drives(SPEND_BAND, 1)).toBe(true);
    // As if our lease had run out while we were stalled, and another projector took it.
    await ds.query(`UPDATE projection_checkpoints SET lease_owner = 'the-other-one', lease_until = now() + interval '1 minute'`);
    for (let i = 0; i < 100 && hosted.drives(SPEND_BAND, 1); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hosted.drives(SPEND_BAND, 1)).toBe(false);
    const streamId = 'customer-d';
    await eventStore.appendToStream(
      streamId,
      [{ id: eventIdFor(streamId, 'o'), type: 'PurchaseRecorded', data: { customerId: 'd', orderId: 'o', amount: 1, currency: 'EUR', occurredAt: '2024-01-02T00:00:00Z' } }],
      { expectedRevision: 'no-stream' },
    );
    await hosted.catchUp(); // nothing of spend-band is driven here any more
    expect(await bands(1)).toEqual(['a:low', 'b:high', 'c:high']);
    expect((await hosted.status()).projections).toEqual([expect.objectContaining({ version: 1, drivenBy: 'the-other-one' })]);
    await hosted.stop();
  });
  it('runs a failed version again after a delay that doubles with each failure in a row, and it catches up once the cause is gone', async () => {
    // The database refuses this projection's writes for a while (an outage, a lock timeout).
    let refusing = true;
    const flaky = {
      ...spendBandFamily,
      create: (definition: Parameters<typeof spendBandFamily.create>[0]) => {
        const p = spendBandFamily.create(definition);
        return {
          ...p,
          applyBatch: (events: Parameters<typeof p.applyBatch>[0], context: Parameters<typeof p.applyBatch>[1]) =>
            refusing ? Promise.reject(new Error('connection terminated')) : p.applyBatch(events, context),
        };
      },
    };
    let now = Date.now();
    const hosted = new HostedProjections({ dataSource: ds, eventStore, families: [flaky], takeOver: true, pollMs: 20, retryMs: 1_000, now: () => now });
    await hosted.start();
    await expect(hosted.catchUp()).rejects.toThrow(/connection terminated/);
    const state = async () => (await hosted.status()).projections[0]!.state;
    const failedAt = async () => Date.parse((await hosted.status()).projections[0]!.lastError!.at);
    const polls = () => new Promise((resolve) => setTimeout(resolve, 100));

    await polls();
    expect(await state()).toBe('failed'); // not before the delay
    now = (await failedAt()) + 1_000;
    await polls();
    // Tried again, failed again: the next try waits twice as long.
    expect(await state()).toBe('failed');
    const second = await failedAt();
    expect(second).toBeGreaterThan(now - 1_000);
    now = second + 1_000;
    await polls();
    expect(await failedAt()).toBe(second);

    refusing = false;
    now = second + 2_000;
    await polls();
    await hosted.catchUp();
    expect(await state()).toBe('live');
    expect(await bands(1)).toEqual(['a:low', 'b:high', 'c:high']);
    await hosted.stop();
  });
});
