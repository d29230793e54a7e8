import 'reflect-metadata';
import { describeDatabaseUrl, loadDatabaseConfig } from '@llm-metrics/db/config';
import { openDatabase } from '@llm-metrics/db/connection';
import { DbError } from '@llm-metrics/db/errors';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadApiConfig } from './config';
import { createApp } from './create-app';

const EXIT_FAILED = 1;
const EXIT_BAD_CONFIG = 2;

async function main(): Promise<void> {
  const config = loadApiConfig();
  const database = await openDatabase(loadDatabaseConfig());
  let app: NestExpressApplication;
  try {
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
  new Logger('AdminApi').log(
    `Listening on ${await app.getUrl()} (database ${describeDatabaseUrl(database.url)}, ${database.origin})`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof DbError && error.code === 'CONFIG_INVALID') {
    console.error(`error: ${error.message}`);
    process.exit(EXIT_BAD_CONFIG);
  }
  console.error(error);
  process.exit(EXIT_FAILED);
});
