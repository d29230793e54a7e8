#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { describeDatabaseUrl, loadDatabaseConfig } from '../config';
import { connectDataSource, type DatabaseHandle, openDatabase } from '../connection';
import { DbError } from '../errors';
import { migrate, migrationStatus, rollback } from '../migrator';

const USAGE = `Usage: llm-metrics-db <command>

Commands:
  migrate          apply every pending migration
  rollback [--all] revert the latest migration (or all of them)
  status           list migrations and whether each is applied
  serve            start the embedded PostgreSQL, migrate it and keep serving it until Ctrl-C

Uses DATABASE_URL when set; otherwise the embedded PostgreSQL under .data/.`;

const EXIT_FAILED = 1;
const EXIT_BAD_ARGUMENTS = 2;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArguments(argv);
  const [command, ...extra] = positionals;
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  if (values.all === true && command !== 'rollback') throw new UsageError('--all only applies to rollback');

  if (command === undefined) throw new UsageError('a command is required');
  const run = COMMANDS.get(command);
  if (run === undefined) throw new UsageError(`unknown command: ${command}`);

  const database = await openDatabase(loadDatabaseConfig());
  try {
    await run(database, { all: values.all === true });
  } finally {
    await database.close();
  }
}

function parseArguments(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function withDataSource<T>(
  database: DatabaseHandle,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = await connectDataSource(database.url);
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function runMigrate(database: DatabaseHandle): Promise<void> {
  const applied = await withDataSource(database, migrate);
  report(database, applied.length === 0 ? 'Already up to date.' : applied.map((name) => `Applied ${name}`));
}

async function runRollback(database: DatabaseHandle, all: boolean): Promise<void> {
  const reverted = await withDataSource(database, (dataSource) => rollback(dataSource, { all }));
  report(
    database,
    reverted.length === 0 ? 'Nothing to roll back.' : reverted.map((name) => `Reverted ${name}`),
  );
}

async function runStatus(database: DatabaseHandle): Promise<void> {
  const states = await withDataSource(database, migrationStatus);
  report(
    database,
    states.map((state) => `${state.applied ? '[applied]' : '[pending]'} ${state.name}`),
  );
}

async function runServe(database: DatabaseHandle): Promise<void> {
  if (database.origin === 'DATABASE_URL') {
    throw new UsageError('serve runs the embedded PostgreSQL; unset DATABASE_URL to use it');
  }
  await runMigrate(database);
  await runStatus(database);
  console.log(
    `\nEmbedded PostgreSQL is ready. Point services at it with:\n\n  DATABASE_URL=${database.url}\n`,
  );
  console.log('Press Ctrl-C to stop it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('Stopping the embedded PostgreSQL...');
}

const COMMANDS = new Map<string, (database: DatabaseHandle, flags: { all: boolean }) => Promise<void>>([
  ['migrate', runMigrate],
  ['rollback', (database, { all }) => runRollback(database, all)],
  ['status', runStatus],
  ['serve', runServe],
]);

function report(database: DatabaseHandle, lines: string | string[]): void {
  console.log(`Database: ${describeDatabaseUrl(database.url)} (${database.origin})`);
  for (const line of [lines].flat()) console.log(`  ${line}`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      process.exit(EXIT_BAD_ARGUMENTS);
    }
    if (error instanceof DbError) {
      console.error(`error: ${error.message}`);
      process.exit(error.code === 'CONFIG_INVALID' ? EXIT_BAD_ARGUMENTS : EXIT_FAILED);
    }
    console.error(error);
    process.exit(EXIT_FAILED);
  },
);
