import type { Config } from 'jest';

// One jest run covers units (*.spec.ts) and server suites (*.int-spec.ts).
// Server suites decide for themselves whether to run (see libs/testing/src/servers.ts).
// ts-jest transpiles file by file (no type-check here: `npm run typecheck` does that once).
const tsJest = ['ts-jest', { isolatedModules: true, diagnostics: false }];

const aliases = {
  '^@lifecycle/engine/(.*)$': '<rootDir>/apps/engine/src/$1',
  '^@lifecycle/projections/(.*)$': '<rootDir>/projections/$1',
  '^@lifecycle/projections$': '<rootDir>/projections',
  '^@lifecycle/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  '^@lifecycle/([a-z-]+)$': '<rootDir>/libs/$1/src',
};

const config: Config = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,libs,projections,test}/**/*.{spec,int-spec}.ts'],
  transform: { '^.+\\.ts$': tsJest as never },
  moduleNameMapper: aliases,
  setupFiles: ['reflect-metadata'],
  testTimeout: 60_000,
  // Server suites share Postgres databases and a Kafka broker; two workers match this 2-core machine.
  maxWorkers: 2,
};

export default config;
