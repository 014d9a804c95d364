import { createTestDatabase, describeWithPostgres } from '@lifecycle/testing';
import { startTestEngine, type TestEngine } from '../testing/test-engine';
import { erasureScenario } from './erasure.scenario';

describeWithPostgres('erasure by crypto-shredding (Postgres, raw tables)', () => {
  let t: TestEngine;
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('le_erasure');
    t = await startTestEngine({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });
  erasureScenario(() => t);
});
