import { startTestEngine, type TestEngine } from '../testing/test-engine';
import { erasureScenario } from './erasure.scenario';

describe('erasure by crypto-shredding (embedded, raw tables)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(() => t.close());
  erasureScenario(() => t);
});
