const jestConfig = require('../../jest.config.base.js');

module.exports = jestConfig({
  globalSetup: '<rootDir>/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/src/testing/global-teardown.ts',
});
