import 'reflect-metadata';
import { describeDatabaseUrl, loadDatabaseConfig } from '@llm-metrics/db/config';
import { type DatabaseHandle, openDatabase } from '@llm-metrics/db/connection';
import { DbError } from '@llm-metrics/db/errors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseArgs } from 'node:util';
import { type ApiConfig, loadApiConfig } from './config';
import { adminKeyFileOf, loadOrCreateAdminKey } from './startup/admin-key';
import { type Prepared, prepareDatabase } from './startup/prepare-database';

const EXIT_FAILED = 1;
const EXIT_BAD_CONFIG = 2;

const USAGE = `Usage: node apps/admin-api/dist/main.js [--demo]

Starts the admin API. Without DATABASE_URL it starts the embedded PostgreSQL, migrates it, writes the
demo data on its first start and generates an admin key (unless ADMIN_API_KEY is set). With
DATABASE_URL it applies pending migrations (unless MIGRATE_ON_START=false) and serves that database's
data as it is; --demo writes the demo data into it when it holds no generations yet.`;

class UsageError extends Error {}

async function main(): Promise<void> {
  const { demo } = parseArguments(process.argv.slice(2));
  const databaseConfig = loadDatabaseConfig();
  let config = loadApiConfig();
  let keyFile: string | undefined;
  if (databaseConfig.databaseUrl === undefined && config.adminApiKey === undefined) {
    keyFile = adminKeyFileOf(databaseConfig.embedded.dataDir);
    config = { ...config, adminApiKey: await loadOrCreateAdminKey(keyFile) };
  }

  // Loaded once the configuration is known to be good: a bad value stops the boot without waiting for Nest.
  const { createApp, DOCS_PATH } = await import('./create-app.js');
  const database = await openDatabase(databaseConfig);
  let app: NestFastifyApplication;
  let prepared: Prepared;
  try {
    prepared = await prepareDatabase(database, { demo, migrate: config.migrateOnStart });
    app = await createApp({ database, config });
  } catch (error) {
    await database.close();
    throw error;
  }
  try {
    await app.listen(config.port, '0.0.0.0');
  } catch (error) {
    await app.close();
    throw error;
  }
  console.log(banner(`http://localhost:${config.port}`, DOCS_PATH, database, config, keyFile, prepared));
}

function parseArguments(argv: string[]): { demo: boolean } {
  try {
    const { values } = parseArgs({ args: argv, options: { demo: { type: 'boolean' } } });
    return { demo: values.demo === true };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** What the person who ran `npm start` needs: where the API is, its docs, and a key that works. */
function banner(
  url: string,
  docsPath: string,
  database: DatabaseHandle,
  config: ApiConfig,
  keyFile: string | undefined,
  prepared: Prepared,
): string {
  const key =
    keyFile === undefined
      ? 'the ADMIN_API_KEY of the environment'
      : `${config.adminApiKey ?? ''}  (kept in ${keyFile})`;
  const demo =
    prepared.demo === null
      ? 'not written (a DATABASE_URL database keeps its data as it is; --demo writes it)'
      : prepared.demo.generations === 0
        ? 'the database already holds generations; nothing added'
        : `${prepared.demo.generations} generations over the last 30 days, written now`;
  return [
    '',
    'llm-metrics admin API is ready',
    `  URL:        ${url}`,
    `  API docs:   ${url}/${docsPath}`,
    `  Admin key:  ${key}`,
    `  Database:   ${describeDatabaseUrl(database.url)} (${database.origin})`,
    `  Demo data:  ${demo}`,
    '',
    `  Try: curl -H "Authorization: Bearer <admin key>" ${url}/api/v1/tiers`,
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}\n\n${USAGE}`);
    process.exit(EXIT_BAD_CONFIG);
  }
  if (error instanceof DbError && error.code === 'CONFIG_INVALID') {
    console.error(`error: ${error.message}`);
    process.exit(EXIT_BAD_CONFIG);
  }
  console.error(error);
  process.exit(EXIT_FAILED);
});
