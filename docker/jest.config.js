const jestConfig = require('../jest.config.base.js');

// Reads files only: no database.
module.exports = jestConfig({});
