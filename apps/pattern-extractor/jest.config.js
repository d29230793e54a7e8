const jestConfig = require('../../jest.config.base.js');

// The miners are pure: their tests need no database, so no global setup.
module.exports = jestConfig({});
