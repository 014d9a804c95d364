import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { Tally, TALLY_READ_MODELS } from '../testing/tally.read-model';
import { openPostgresReadStore, READ_STORE_MIGRATIONS_TABLE } from './read-store-data-source';

describeWithPostgres('read store on Postgres', () => {
  let database: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase('le_read_store_ds');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('lets processes that start at once migrate once: the second waits for the first', async () => {
    const opened = await Promise.all([0, 1, 2].map(() => openPostgresReadStore(database.url, TALLY_READ_MODELS, { poolSize: 2 })));
    try {
      const applied = (await opened[0]!.query(`SELECT name FROM ${READ_STORE_MIGRATIONS_TABLE} ORDER BY id`)) as { name: string }[];
      expect(applied.map((m) => m.name)).toEqual(['ProjectionCheckpoints1767225600000', 'ProjectionDefinitions1767225600100', 'TallyTable1767225699000']);
    } finally {
      await Promise.all(opened.map((ds) => ds.destroy()));
    }
  });

  it('accepts pg pool options as well as a connection string, and keeps int8 exact', async () => {
    const ds = await openPostgresReadStore({ connectionString: database.url, max: 2 }, TALLY_READ_MODELS);
    try {
      await ds.getRepository(Tally).save({ projectionVersion: 0, key: 'big', events: 1, total: 9007199254740993n, lastAt: null });
      expect(await ds.getRepository(Tally).findOneByOrFail({ projectionVersion: 0, key: 'big' })).toMatchObject({ total: 9007199254740993n });
    } finally {
      await ds.destroy();
    }
  });
});
