import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadEngineConfig } from '@lifecycle/engine/config/engine-config';

// docker/ is not under jest's roots, so the deployment files are checked from here, next to the
// adapter the compose file's EventStoreDB serves. Structure only: no Docker engine runs on the
// machine this was written on (nor in CI), so nothing here starts a container.
const root = join(__dirname, '..', '..', '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface Healthcheck {
  test: string[] | string;
  interval?: string;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  init?: boolean;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const INFRA = ['eventstoredb', 'kafka', 'postgres'] as const;
const ROLES = { api: 'api', ingest: 'ingest', projector: 'projector', saga: 'saga' } as const;

/** `${VAR:?message}` and `${VAR:-default}` as compose interpolates them, from `env`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    if (env[name] !== undefined && env[name] !== '') return env[name]!;
    if (kind === '?') throw new Error(`compose would stop: ${rest}`);
    return rest ?? '';
  });
}

describe('docker/docker-compose.yml (parsed and checked, not run: no Docker engine here)', () => {
  const compose = parse(read('docker/docker-compose.yml'), { merge: true }) as Compose;
  const services = compose.services;

  it('has EventStoreDB, Kafka, Postgres and the engine in the api, ingest, projector and saga roles', () => {
    expect(Object.keys(services).sort()).toEqual([...INFRA, ...Object.keys(ROLES)].sort());
  });

  it('gives every service a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, test: service.healthcheck?.test }).toEqual({ name, test: expect.anything() });
    }
  });

  it('runs EventStoreDB as one insecure node, without projections', () => {
    const esdb = services.eventstoredb!;
    expect(esdb.image).toMatch(/^eventstore\/eventstore:\d+\.\d+/);
    expect(esdb.environment).toMatchObject({ EVENTSTORE_CLUSTER_SIZE: '1', EVENTSTORE_INSECURE: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' });
    expect(JSON.stringify(esdb.healthcheck!.test)).toContain('2113/health/live');
    expect(esdb.ports).toContain('2113:2113');
  });

  it('runs Kafka 3.9 in KRaft mode (broker and controller, no ZooKeeper), advertised as kafka:9092 inside', () => {
    const kafka = services.kafka!;
    expect(kafka.image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    const env = kafka.environment!;
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('PLAINTEXT://kafka:9092');
    expect(Object.keys(env).some((key) => key.includes('ZOOKEEPER'))).toBe(false);
    for (const listener of env.KAFKA_LISTENERS!.split(',')) {
      expect(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).toContain(`${listener.split(':')[0]}:`);
    }
  });

  it('runs every role from one image and build, waiting for healthy EventStoreDB, Kafka and Postgres', () => {
    const images = new Set<string>();
    for (const [name, role] of Object.entries(ROLES)) {
      const service = services[name]!;
      expect(service.environment!.ROLE).toBe(role);
      expect(service.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
      expect(service.init).toBe(true);
      images.add(service.image!);
      for (const dependency of INFRA) expect(service.depends_on?.[dependency]).toEqual({ condition: 'service_healthy' });
      expect(JSON.stringify(service.healthcheck!.test)).toContain('/ready');
    }
    expect(images.size).toBe(1);
    expect(services.projector!.deploy?.replicas ?? 1).toBe(1);
  });

  it("gives each role an environment the engine's own configuration accepts", () => {
    const secrets = { LIFECYCLE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), LIFECYCLE_ADMIN_KEY: 'a-long-enough-admin-key' };
    for (const name of Object.keys(ROLES)) {
      const raw = services[name]!.environment!;
      expect(() => interpolate(raw.LIFECYCLE_MASTER_KEY!, {})).toThrow(/LIFECYCLE_MASTER_KEY/);
      const env = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, interpolate(String(value), secrets)]));
      const config = loadEngineConfig(env);
      expect(config.role).toBe(ROLES[name as keyof typeof ROLES]);
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(env.EVENTSTORE_URL).toBe('esdb://eventstoredb:2113?tls=false');
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
    }
  });

  it('names only services and volumes that exist', () => {
    for (const service of Object.values(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dependency);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(Object.keys(compose.volumes ?? {})).toContain(source);
      }
    }
  });
});

describe('docker/Dockerfile (read and checked, not built: no Docker engine here)', () => {
  const dockerfile = read('docker/Dockerfile');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1], name: m[2] }));
  const runtime = dockerfile.slice(dockerfile.search(/^FROM\s+\S+\s+AS\s+runtime/im));

  it('is multi-stage on Node 20: a build stage that type-checks, a runtime with production dependencies only', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20[\w.-]*$/m);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm run --silent typecheck/);
    expect(runtime).toMatch(/npm ci --omit=dev/);
  });

  it('runs as a non-root user, checks /ready, and starts the engine the way `npm start` does', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('CMD ['));
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/ready/m);
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(runtime)![1]!) as string[];
    expect(cmd.join(' ')).toBe(start);
  });

  it('keeps dependencies, local data and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['.git', '**/node_modules', 'data', '.env']) expect(ignored).toContain(entry);
  });
});
