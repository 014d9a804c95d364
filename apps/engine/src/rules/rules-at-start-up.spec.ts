import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngineConfig, validateEngineConfig } from '../config/engine-config';
import { createEngine } from '../engine';
import { LoyaltyRulesError } from './load-loyalty-rules';

describe('the rules file at start-up', () => {
  it('comes from LIFECYCLE_RULES_FILE, the shipped file by default', () => {
    expect(loadEngineConfig({}).rulesFile).toBe('config/loyalty-rules.yaml');
    expect(loadEngineConfig({ LIFECYCLE_RULES_FILE: '/etc/lifecycle/rules.json' }).rulesFile).toBe('/etc/lifecycle/rules.json');
  });

  it('stops the engine before any storage is opened, naming the file, the field and the reason', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.yaml');
    writeFileSync(file, readFileSync('config/loyalty-rules.yaml', 'utf8').replace('expiryWarningDays: 30', 'expiryWarningDays: -3'));
    // In memory: had the storage been opened first, this would cost a PGlite; the rules fail before it.
    const config = validateEngineConfig({ inMemory: true, logLevel: 'silent', rulesFile: file });
    const started = createEngine(config);
    await expect(started).rejects.toBeInstanceOf(LoyaltyRulesError);
    await expect(started).rejects.toThrow(`invalid loyalty rules in ${file}:\n  expiryWarningDays: must not be less than 0`);
  });
});
