import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { IngestTopics } from '@lifecycle/messaging';
import { kafkaBrokers } from '@lifecycle/testing';

const ROOT = join(__dirname, '../../../../..');

export interface IngestProcess {
  readonly child: ChildProcess;
  /** Resolves on the first "ingest partitions assigned" line: the process has joined its group. */
  readonly joined: Promise<void>;
  readonly exited: Promise<number | null>;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The engine as deployed for ingest only (ROLE=ingest), on a Postgres database, in its own process. */
export function startIngestProcess(options: { databaseUrl: string; masterKey: string; groupId: string; topics: IngestTopics }): IngestProcess {
  const { topics } = options;
  const child = spawn(process.execPath, ['-r', './bin/register.js', 'apps/engine/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      ROLE: 'ingest',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: options.databaseUrl,
      LIFECYCLE_MASTER_KEY: options.masterKey,
      LIFECYCLE_ADMIN_KEY: `test-admin-${randomBytes(12).toString('hex')}`,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_CLIENT_ID: 'ingest-process-test',
      KAFKA_INGEST_GROUP: options.groupId,
      // The broker's minimum: a killed process's partitions move on after 6 s instead of 30.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_TOPIC_PURCHASES: topics.purchases,
      KAFKA_TOPIC_REFUNDS: topics.refunds,
      KAFKA_TOPIC_INTERACTIONS: topics.interactions,
      KAFKA_TOPIC_REGISTRATIONS: topics.registrations,
      KAFKA_TOPIC_REDEMPTIONS: topics.redemptions,
      KAFKA_TOPIC_DLQ: topics.deadLetters,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const joined = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ingest partitions assigned')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the ingest process exited (${code}) before joining its group:\n${out.slice(-4_000)}`)));
  });
  joined.catch(() => undefined);
  return {
    child,
    joined,
    exited,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
