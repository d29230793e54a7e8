export { FIXED_NOW, newContextWindow, newGeneration, newHistory, newPattern } from './factories';
export { createTestDatabase, type TestDatabase, useTestDatabase } from './test-database';
export { databaseUrl, freePort, queryServer, runOnServer, TEST_ENV } from './test-server';
export { seededRandom } from './seeded-random';
export { SEED_EXAMPLES } from './seed-examples';
