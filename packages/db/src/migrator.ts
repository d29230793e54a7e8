import type { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE } from './connection';

export interface MigrationState {
  readonly name: string;
  readonly applied: boolean;
}

/** Applies every pending migration, each in its own transaction; returns the names applied. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/** Reverts the latest applied migration, or all of them, newest first; returns the names reverted. */
export async function rollback(dataSource: DataSource, { all }: { all: boolean }): Promise<string[]> {
  const reverted: string[] = [];
  for (let applied = await appliedMigrations(dataSource); applied.length > 0; applied = applied.slice(1)) {
    await dataSource.undoLastMigration({ transaction: 'each' });
    reverted.push(applied[0]!);
    if (!all) break;
  }
  return reverted;
}

/** Every known migration, oldest first, and whether the database has it. */
export async function migrationStatus(dataSource: DataSource): Promise<MigrationState[]> {
  const applied = new Set(await appliedMigrations(dataSource));
  return dataSource.migrations.map((migration) => ({
    name: migration.name ?? migration.constructor.name,
    applied: applied.has(migration.name ?? migration.constructor.name),
  }));
}

/** Names of the applied migrations, newest first. */
async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const [{ exists }] = await dataSource.query<[{ exists: boolean }]>(
    `SELECT to_regclass($1) IS NOT NULL AS exists`,
    [MIGRATIONS_TABLE],
  );
  if (!exists) return [];
  const rows = await dataSource.query<{ name: string }[]>(
    `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY timestamp DESC, id DESC`,
  );
  return rows.map((row) => row.name);
}
