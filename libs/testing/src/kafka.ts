import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { inCi } from './servers';

/**
 * Kafka server suites (*.int-spec.ts) run against a real broker: `npm run kafka:start` starts one
 * on 127.0.0.1:9092 (docker/kafka/kafka.sh). Outside CI a missing broker skips the suite with a
 * clear message; under CI=true a missing broker fails the run.
 */
export const kafkaBrokers = (): string[] =>
  (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);

/**
 * A kafkajs client for tests: the brokers above, short connection timeouts, warnings only.
 * Producers should pass `createPartitioner: Partitioners.DefaultPartitioner` (the Java-compatible
 * murmur2 partitioner, kafkajs 2's default), which also keeps kafkajs from warning about it.
 */
export function testKafka(clientId = 'lifecycle-test', overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: kafkaBrokers(),
    connectionTimeout: 3_000,
    logLevel: logLevel.WARN,
    ...overrides,
  });
}

/** A topic (or group) name no other suite or earlier run uses: suites share one broker. */
export const uniqueKafkaName = (prefix = 'test'): string => `${prefix}-${randomBytes(5).toString('hex')}`;

/**
 * `describe` for suites that need Kafka. The availability check (a real metadata request) runs
 * once, synchronously before jest collects the suite, through a child process.
 */
export function describeWithKafka(name: string, body: () => void): void {
  const reason = kafkaUnavailableReason();
  if (reason === null) {
    describe(name, body);
    return;
  }
  const where = kafkaBrokers().join(',');
  if (inCi()) {
    describe(name, () => {
      it('needs Kafka, and CI=true makes a missing broker a failure', () => {
        throw new Error(`Kafka is not reachable at ${where}: ${reason}`);
      });
    });
    return;
  }
  console.warn(
    `SKIPPED "${name}": Kafka is not reachable at ${where} (${reason}). Run \`npm run kafka:start\` or set KAFKA_BROKERS.`,
  );
  describe.skip(name, body);
}

let cachedReason: string | null | undefined;
function kafkaUnavailableReason(): string | null {
  if (cachedReason !== undefined) return cachedReason;
  // Synchronous probe: a tiny node process asks the cluster for its metadata and prints the error, if any.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const probe = `
    const { Kafka, logLevel } = require('kafkajs');
    const kafka = new Kafka({ clientId: 'lifecycle-test-probe', brokers: process.argv[1].split(','),
      connectionTimeout: 2000, requestTimeout: 5000, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    admin.connect().then(() => admin.describeCluster())
      .then((c) => { if (!c.brokers.length) throw new Error('metadata lists no brokers'); process.stdout.write('ok'); })
      .catch((e) => { process.stdout.write(String((e && e.message) || e)); })
      .finally(() => admin.disconnect().catch(() => undefined).then(() => process.exit(0)));`;
  const result = spawnSync(process.execPath, ['-e', probe, kafkaBrokers().join(',')], {
    encoding: 'utf8',
    timeout: 15_000,
    cwd: __dirname,
  });
  const out = (result.stdout ?? '').trim();
  cachedReason = out === 'ok' ? null : out || `probe failed (${result.error?.message ?? 'no output'})`;
  return cachedReason;
}
