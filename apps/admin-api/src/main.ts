import 'reflect-metadata';
import { describeDatabaseUrl, loadDatabaseConfig } from '@llm-metrics/db/config';
import { openDatabase } from '@llm-metrics/db/connection';
import { DbError } from '@llm-metrics/db/errors';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadApiConfig } from './config';

const EXIT_FAILED = 1;
const EXIT_BAD_CONFIG = 2;

async function main(): Promise<void> {
  const config = loadApiConfig();
  const database = await openDatabase(loadDatabaseConfig());
  let app: INestApplication;
  try {
    // abortOnError off: a failed start reaches the handler below instead of a bare process.exit.
    app = await NestFactory.create(AppModule.forRoot({ database }), { abortOnError: false });
  } catch (error) {
    await database.close();
    throw error;
  }
  app.enableShutdownHooks();
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
