import { afterAll, beforeAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { connectDataSource } from '../connection';
import { TEST_ENV, databaseUrl, runOnServer } from './test-server';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database, closing whatever is still connected to it. */
  drop(): Promise<void>;
}

/**
 * A fresh database of this test run: a clone of the migrated template by default, or an empty one
 * (`{ migrated: false }`) for tests of the migrations themselves.
 */
export async function createTestDatabase({
  migrated = true,
}: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = requiredEnv(TEST_ENV.serverUrl);
  const name = `lmt_${requiredEnv(TEST_ENV.runId)}_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(3).toString('hex')}`;
  const template = migrated ? ` TEMPLATE ${requiredEnv(TEST_ENV.template)}` : '';
  await runOnServer(serverUrl, `CREATE DATABASE ${name}${template}`);
  return {
    name,
    url: databaseUrl(serverUrl, name),
    drop: () => runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * Gives the calling test file its own migrated database and an initialized DataSource on it,
 * created before its tests and dropped after them.
 */
export function useTestDatabase(): { readonly dataSource: DataSource; readonly url: string } {
  let database: TestDatabase | undefined;
  let dataSource: DataSource | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await connectDataSource(database.url);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  return {
    get dataSource() {
      if (dataSource === undefined)
        throw new Error('useTestDatabase(): the database exists only inside tests');
      return dataSource;
    },
    get url() {
      if (database === undefined) throw new Error('useTestDatabase(): the database exists only inside tests');
      return database.url;
    },
  };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined) {
    throw new Error(`${name} is not set: run the tests through jest with the db package's globalSetup`);
  }
  return value;
}
