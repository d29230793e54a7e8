const jestConfig = require('../../jest.config.base.js');

/**
 * Two projects: the miners are pure and their tests need no database; the job's tests (test/job/)
 * run against real PostgreSQL through the db package's harness (a migrated template database, one
 * clone per test file). Jest runs a project's global setup only when one of its tests is selected,
 * so `jest test/drain.spec.ts` still needs no database.
 */
module.exports = {
  projects: [
    {
      ...jestConfig({}),
      displayName: 'mining',
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/job/'],
    },
    {
      ...jestConfig({
        globalSetup: '@llm-metrics/db/testing/global-setup',
        globalTeardown: '@llm-metrics/db/testing/global-teardown',
      }),
      displayName: 'job',
      testMatch: ['<rootDir>/test/job/**/*.spec.ts'],
    },
  ],
  // A global option (projects cannot set it): runs over generated history take seconds.
  testTimeout: 120_000,
};
