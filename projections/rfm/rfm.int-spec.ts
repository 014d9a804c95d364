import { postgresReadModelStores } from '@lifecycle/read-store/testing/read-model-stores';
import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { harnessOn } from '../testing/read-model-harness';
import { rfmContract } from './rfm.contract';

describeWithPostgres('rfm read model on Postgres', () => {
  // A session zone with DST (and not UTC): the window and recency are counted in UTC seconds, so
  // the zone must not change a single score.
  rfmContract('Postgres, TimeZone America/New_York', async (projections, readModels) => {
    const database = await createTestDatabase('le_rfm');
    const url = `${database.url}${database.url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c TimeZone=America/New_York')}`;
    const stores = await postgresReadModelStores(url, readModels);
    return harnessOn({ ...stores, close: async () => { await stores.close(); await database.drop(); } }, projections);
  });
});
