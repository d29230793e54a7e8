import type { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE } from './connection';

export interface MigrationState {
  readonly name: string;
  readonly applied: boolean;
}

/** Key of the advisory lock that serialises migration runs ('llm-metrics migrate' in ASCII, truncated). */
const MIGRATION_LOCK = 0x6c6c6d2d6d696772n;

/**
 * Applies every pending migration, each in its own transaction; returns the names applied. Runs are
 * serialised by a PostgreSQL advisory lock, so replicas that all migrate on start apply each migration
 * once: the others wait, then find nothing pending.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock($1)`, [MIGRATION_LOCK.toString()]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lock.query(`SELECT pg_advisory_unlock($1)`, [MIGRATION_LOCK.toString()]);
    }
  } finally {
    await lock.release();
  }
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
