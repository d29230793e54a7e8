import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { type DatabaseConfig, describeDatabaseUrl } from './config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { ENTITIES } from './entities';
import { DbError } from './errors';
import { MIGRATIONS } from './migrations';

/** TypeORM's bookkeeping table for applied migrations. */
export const MIGRATIONS_TABLE = 'llm_metrics_migrations';

export interface DatabaseHandle {
  readonly url: string;
  /** Where the URL came from: the environment, or the embedded server this process uses. */
  readonly origin: 'DATABASE_URL' | 'embedded';
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  close(): Promise<void>;
}

/** The configured server: `DATABASE_URL`, or the embedded PostgreSQL, started on demand. */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.databaseUrl !== undefined) {
    return { url: config.databaseUrl, origin: 'DATABASE_URL', close: () => Promise.resolve() };
  }
  const server = await startEmbeddedPostgres(config.embedded);
  return { url: server.url, origin: 'embedded', close: () => server.stop() };
}

/**
 * The one set of DataSource options shared by the apps, the TypeORM CLI and the tests.
 * `synchronize` stays off: only migrations change the schema, each in its own transaction.
 */
export function createDataSourceOptions(
  url: string,
  overrides: Partial<PostgresDataSourceOptions> = {},
): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    applicationName: 'llm-metrics',
    logging: false,
    ...overrides,
  };
}

/** Initializes a DataSource; an unreachable server is reported by host and port, never by password. */
export async function connectDataSource(
  url: string,
  overrides: Partial<PostgresDataSourceOptions> = {},
): Promise<DataSource> {
  const dataSource = new DataSource(createDataSourceOptions(url, overrides));
  try {
    return await dataSource.initialize();
  } catch (error) {
    throw new DbError(
      'DATABASE_UNREACHABLE',
      `Cannot connect to PostgreSQL at ${describeDatabaseUrl(url)}: ${reasonOf(error)}`,
      { cause: error },
    );
  }
}

/** Node reports some connection failures (AggregateError) with an empty message but a code. */
function reasonOf(error: unknown): string {
  const { message, code } = error as NodeJS.ErrnoException;
  return message || code || String(error);
}
