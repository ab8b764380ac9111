// One runner, three tiers: unit specs beside the code (no I/O), integration specs against
// real Kafka and Redis, end-to-end specs that boot the apps and speak HTTP.
const transform = { '^.+\\.ts$': ['@swc/jest'] };
const moduleNameMapper = {
  '^@app/(config|events|metrics|oauth|platform|playground|projection|registry|resource-server|store|tokens|tracing)$':
    '<rootDir>/libs/$1/src',
  '^@app/(config|events|metrics|oauth|platform|playground|projection|registry|resource-server|store|tokens|tracing)/(.*)$':
    '<rootDir>/libs/$1/src/$2',
  '^@app/(issuance|introspection|revocation|authorization|login|management)$':
    '<rootDir>/apps/$1/src',
};
const shared = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      // test/support: the helpers the end-to-end specs rely on (cookie jar, form reading);
      // scripts/infra: one check per concern of the local engines (plain CommonJS, no I/O
      // beyond local sockets, temp dirs and short child processes); eslint.config.spec.js: the
      // lint rule that guards run-time behaviour.
      testMatch: [
        '<rootDir>/{apps,libs,examples}/**/*.spec.ts',
        '<rootDir>/test/support/**/*.spec.ts',
        '<rootDir>/scripts/infra/*.spec.js',
        '<rootDir>/eslint.config.spec.js',
      ],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.ts'],
    },
    {
      ...shared,
      displayName: 'int',
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/setup/infra.global-setup.js',
      globalTeardown: '<rootDir>/test/setup/infra.global-teardown.js',
    },
    {
      ...shared,
      // The clustered engines: the store contracts on a real Redis Cluster, the projector,
      // propagation and outage specs on it and on three brokers (npm run test:ha, about three
      // minutes; not part of npm test, which it would push past ten: CI runs it as its own step).
      displayName: 'ha',
      testMatch: ['<rootDir>/test/ha/**/*.ha-spec.ts'],
      globalSetup: '<rootDir>/test/setup/ha.global-setup.js',
      globalTeardown: '<rootDir>/test/setup/ha.global-teardown.js',
    },
    {
      ...shared,
      // Faults under load on engines of the spec's own (npm run test:ha:faults, CI runs it after
      // the ha tier): about a minute and a half, most of it starting three brokers and six Redis
      // nodes.
      displayName: 'ha-faults',
      testMatch: ['<rootDir>/test/ha/**/*.fault-spec.ts'],
    },
  ],
};
