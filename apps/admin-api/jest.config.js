const jestConfig = require('../../jest.config.base.js');

// Each test file gets its own clone of a migrated template database (the db package's harness).
module.exports = jestConfig(
  {
    globalSetup: require.resolve('@llm-metrics/db/testing/global-setup'),
    globalTeardown: require.resolve('@llm-metrics/db/testing/global-teardown'),
  },
  { requireDynamicImports: true },
);
