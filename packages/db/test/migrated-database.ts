import { afterAll, beforeAll } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { connectDataSource } from '../src/connection';
import { MIGRATIONS } from '../src/migrations';
import { migrate } from '../src/migrator';
import { createTestDatabase, type TestDatabase } from '../src/testing';

/**
 * Gives the calling test file a database migrated up to and including `lastMigration`, for tests of
 * one migration's schema or data (the shared template always holds the latest schema).
 */
export function useDatabaseMigratedTo(lastMigration: (typeof MIGRATIONS)[number]): {
  readonly dataSource: DataSource;
} {
  const migrations = MIGRATIONS.slice(0, MIGRATIONS.indexOf(lastMigration) + 1);
  let database: TestDatabase | undefined;
  let dataSource: DataSource | undefined;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    dataSource = await connectDataSource(database.url, { migrations: [...migrations] });
    await migrate(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  return {
    get dataSource() {
      if (dataSource === undefined) throw new Error('the database exists only inside tests');
      return dataSource;
    },
  };
}
