import { describe, expect, test } from '@jest/globals';
import type { Logger, MigrationInterface, QueryRunner } from 'typeorm';
import { connectDataSource } from '../src/connection';
import { MIGRATIONS } from '../src/migrations';
import { migrate, migrationStatus, rollback } from '../src/migrator';
import { createTestDatabase, useTestDatabase } from '../src/testing';
import { type Catalog, readCatalog } from './catalog';

const db = useTestDatabase();

const EMPTY_CATALOG: Catalog = { tables: [], columns: [], indexes: [], constraints: [], objects: [] };

/** Runs `work` on a DataSource over a new empty database, dropped afterwards. */
async function onEmptyDatabase(
  work: (dataSource: Awaited<ReturnType<typeof connectDataSource>>) => Promise<void>,
  migrations?: MigrationInterface[],
): Promise<void> {
  const database = await createTestDatabase({ migrated: false });
  const dataSource = await connectDataSource(database.url, {
    // The failures these tests provoke on purpose need not be printed.
    logger: SILENT,
    ...(migrations === undefined ? {} : { migrations: migrations.map((m) => m.constructor as never) }),
  });
  try {
    await work(dataSource);
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}

const SILENT: Logger = {
  logQuery: () => undefined,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

class BrokenMigration1900000000000 implements MigrationInterface {
  name = 'BrokenMigration1900000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE half_done (id integer)`);
    await queryRunner.query(`ALTER TABLE llm_patterns ADD COLUMN half_done integer`);
    await queryRunner.query(`SELECT 1 / 0`);
  }
  async down(): Promise<void> {}
}

describe('migrations', () => {
  test('up, then down, leaves nothing behind; up again gives an identical catalog', async () => {
    await onEmptyDatabase(async (dataSource) => {
      expect(await readCatalog(dataSource)).toEqual(EMPTY_CATALOG);
      await migrate(dataSource);
      const migrated = await readCatalog(dataSource);
      // 15 tables, two of them partitioned: a DEFAULT partition and this month's and the next 3 months' each.
      expect(migrated.tables).toHaveLength(25);

      await rollback(dataSource, { all: true });
      expect(await readCatalog(dataSource)).toEqual(EMPTY_CATALOG);

      await migrate(dataSource);
      expect(await readCatalog(dataSource)).toEqual(migrated);
    });
  });

  test('a migration that fails halfway leaves the database as it was', async () => {
    const migrations = [
      ...MIGRATIONS.map((Migration) => new Migration()),
      new BrokenMigration1900000000000(),
    ];
    await onEmptyDatabase(async (dataSource) => {
      await expect(migrate(dataSource)).rejects.toThrow(/division by zero/);
      expect((await migrationStatus(dataSource)).map(({ name, applied }) => [name, applied])).toEqual([
        ...MIGRATIONS.map(({ name }) => [name, true]),
        ['BrokenMigration1900000000000', false],
      ]);
      expect(await readCatalog(dataSource)).toEqual(await readCatalog(db.dataSource));
    }, migrations);
  });

  test('runs started at once (replicas migrating on start) apply each migration once', async () => {
    await onEmptyDatabase(async (dataSource) => {
      const { url } = dataSource.options as { url: string };
      const others = await Promise.all([1, 2].map(() => connectDataSource(url)));
      try {
        const runs = await Promise.all([dataSource, ...others].map((each) => migrate(each)));
        expect(runs.flat().sort()).toEqual(MIGRATIONS.map(({ name }) => name).sort());
        expect((await migrationStatus(dataSource)).every(({ applied }) => applied)).toBe(true);
      } finally {
        await Promise.all(others.map((other) => other.destroy()));
      }
    });
  });

  test('when migration 1 itself fails, none of it stays', async () => {
    await onEmptyDatabase(async (dataSource) => {
      // A table in the way of the last CREATE TABLE makes migration 1 fail near its end.
      await dataSource.query(`CREATE TABLE llm_patterns (id integer)`);
      const before = await readCatalog(dataSource);
      await expect(migrate(dataSource)).rejects.toThrow(/already exists/);
      expect(await readCatalog(dataSource)).toEqual(before);
      expect((await migrationStatus(dataSource)).every(({ applied }) => !applied)).toBe(true);
    });
  });

  test('rollback without --all reverts only the latest migration; with nothing applied it does nothing', async () => {
    await onEmptyDatabase(async (dataSource) => {
      expect(await rollback(dataSource, { all: false })).toEqual([]);
      await migrate(dataSource);
      const names = MIGRATIONS.map(({ name }) => name);
      expect(await rollback(dataSource, { all: false })).toEqual(names.slice(-1));
      expect(await rollback(dataSource, { all: true })).toEqual(names.slice(0, -1).reverse());
      expect(await rollback(dataSource, { all: true })).toEqual([]);
    });
  });

  test('entities and migrations agree: the schema builder finds nothing to change', async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });
});
