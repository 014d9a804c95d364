import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { LoyaltyRules } from '@lifecycle/domain';
import { validateEngineConfig } from '../config/engine-config';
import { createEngine, type Engine } from '../engine';
import type { Clock } from '../storage/clock';

export interface TestEngine {
  readonly engine: Engine;
  readonly http: TestAgent;
  /** One key per role, plus admin. */
  readonly keys: { admin: string; ingest: string; analyst: string; ops: string };
  close(): Promise<void>;
}

const key = (role: string) => `test-${role}-${randomBytes(12).toString('hex')}`;

/**
 * An engine on in-memory PGlite, or on the Postgres database given. Logs are silent. Loyalty rules:
 * the shipped config/loyalty-rules.yaml unless `rules` (already validated) or `rulesFile` says otherwise.
 */
export async function startTestEngine(
  options: {
    databaseUrl?: string; clock?: Clock; appendAttempts?: number; rules?: LoyaltyRules; rulesFile?: string;
    /** More configuration, as validateEngineConfig takes it (e.g. `kafka`, `integrationEvents`). */
    config?: Record<string, unknown>;
  } = {},
): Promise<TestEngine> {
  const keys = { admin: key('admin'), ingest: key('ingest'), analyst: key('analyst'), ops: key('ops') };
  const config = validateEngineConfig({
    databaseUrl: options.databaseUrl,
    inMemory: options.databaseUrl ? undefined : true,
    masterKey: randomBytes(32).toString('base64'),
    adminKey: keys.admin,
    apiKeys: (['ingest', 'analyst', 'ops'] as const).map((role) => ({ name: `test-${role}`, key: keys[role], roles: [role] })),
    logLevel: 'silent',
    appendAttempts: options.appendAttempts,
    rulesFile: options.rulesFile,
    ...options.config,
  });
  const engine = await createEngine(config, { clock: options.clock, rules: options.rules });
  await engine.app.init();
  return { engine, http: request(engine.app.getHttpServer()), keys, close: () => engine.app.close() };
}
