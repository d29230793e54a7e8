#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { describeDatabaseUrl, loadDatabaseConfig } from '../config';
import { connectDataSource, type DatabaseHandle, openDatabase } from '../connection';
import { seedDemoDataOnce } from '../demo-data';
import { COST_STATUSES } from '../entities';
import { DbError } from '../errors';
import { migrate, migrationStatus, rollback } from '../migrator';
import {
  DEFAULT_REPRICE_BATCH_SIZE,
  findRepriceProblem,
  type RepriceField,
  type RepriceOptions,
  type RepriceReport,
  repriceGenerations,
} from '../reprice';
import { retentionOptions, runRetention } from './retention-command';
import { runRollupRefresh } from './rollup-command';

const USAGE = `Usage: llm-metrics-db <command>

Commands:
  migrate          apply every pending migration
  rollback [--all] revert the latest migration (or all of them)
  status           list migrations and whether each is applied
  rollup           fold the metrics and history rows written since the last refresh into the hourly rollups
  retention [--apply] [--metrics-days N] [--history-days N]
                   list the monthly partitions, their rows and sizes, and those older than the retention
                   window (RETENTION_METRICS_DAYS / RETENTION_HISTORY_DAYS, or the options; unset: keep
                   forever). A dry run unless --apply, which refreshes the rollups and drops them.
  serve            start the embedded PostgreSQL, migrate it and keep serving it until Ctrl-C
  demo             write the demo month (generations, history, feedback) into a database that holds
                   no generations yet; does nothing otherwise
  reprice --tier T [--model M] --from D --to D [--apply] [--batch-size N]
                   recompute the cost of tier T's generations (of model M) created from --from
                   (inclusive) to --to (exclusive) with the price in effect when each was created.
                   A dry run that writes nothing unless --apply; N rows (default ${DEFAULT_REPRICE_BATCH_SIZE}) per
                   transaction. Dates are ISO-8601: 2026-03-01 (UTC) or 2026-03-01T12:00:00+02:00.

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
  const allowed = COMMAND_OPTIONS.get(command ?? '') ?? [];
  const misplaced = [...COMMAND_OPTIONS.values()]
    .flat()
    .find((option) => values[option] !== undefined && !allowed.includes(option));
  if (misplaced !== undefined) {
    const owners = [...COMMAND_OPTIONS].filter(([, options]) => options.includes(misplaced));
    throw new UsageError(`--${misplaced} only applies to ${owners.map(([name]) => name).join(' and ')}`);
  }

  if (command === undefined) throw new UsageError('a command is required');
  const prepare = COMMANDS.get(command);
  if (prepare === undefined) throw new UsageError(`unknown command: ${command}`);
  const run = prepare(values);

  const database = await openDatabase(loadDatabaseConfig());
  try {
    await run(database);
  } finally {
    await database.close();
  }
}

function parseArguments(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        all: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        tier: { type: 'string' },
        model: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        apply: { type: 'boolean' },
        'batch-size': { type: 'string' },
        'metrics-days': { type: 'string' },
        'history-days': { type: 'string' },
      },
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

async function runDemo(database: DatabaseHandle): Promise<void> {
  const { generations, historyRows } = await withDataSource(database, (dataSource) =>
    seedDemoDataOnce(dataSource),
  );
  report(
    database,
    generations === 0
      ? 'The database already holds generations: no demo data written.'
      : `Demo data written: ${generations} generations, ${historyRows} history rows.`,
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

async function runReprice(database: DatabaseHandle, options: RepriceOptions): Promise<void> {
  const result = await withDataSource(database, (dataSource) => repriceGenerations(dataSource, options));
  report(database, describeReprice(result));
}

type Arguments = ReturnType<typeof parseArguments>['values'];
type CommandOption = Exclude<keyof Arguments, 'all' | 'help'>;
/** The options each command takes; any other command given one of them is a usage error. */
const COMMAND_OPTIONS = new Map<string, readonly CommandOption[]>([
  ['reprice', ['tier', 'model', 'from', 'to', 'apply', 'batch-size']],
  ['retention', ['apply', 'metrics-days', 'history-days']],
]);
const OPTION_OF: Readonly<Record<RepriceField, string>> = {
  tier: '--tier',
  model: '--model',
  from: '--from',
  to: '--to',
  batchSize: '--batch-size',
};

/** Checks the options before any database is opened, naming the option at fault. */
function repriceOptions(values: Arguments): RepriceOptions {
  const required = (option: 'tier' | 'from' | 'to'): string => {
    const value = values[option];
    if (value === undefined) throw new UsageError(`--${option} is required`);
    return value;
  };
  const batchSize = values['batch-size'];
  const options: RepriceOptions = {
    tier: required('tier'),
    model: values.model,
    from: isoDate('--from', required('from')),
    to: isoDate('--to', required('to')),
    apply: values.apply === true,
    batchSize: batchSize === undefined ? undefined : /^\d+$/.test(batchSize) ? Number(batchSize) : NaN,
  };
  const problem = findRepriceProblem(options);
  if (problem !== undefined) throw new UsageError(problem.describe((field) => OPTION_OF[field]));
  return options;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/** A calendar date (UTC midnight) or a date-time with its offset: never the machine's time zone. */
function isoDate(option: string, text: string): Date {
  const match = ISO_DATE.exec(text);
  const date = new Date(text);
  if (match !== null && !Number.isNaN(date.getTime())) {
    const [year, month, day] = match.slice(1, 4).map(Number) as [number, number, number];
    const calendar = new Date(Date.UTC(year, month - 1, day));
    if (calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day) return date;
  }
  throw new UsageError(`${option} must be an ISO-8601 date such as 2026-03-01 or 2026-03-01T12:00:00Z`);
}

function describeReprice(result: RepriceReport): string[] {
  const field = (label: string, value: string | number) => `${`${label}:`.padEnd(24)} ${value}`;
  const transitions = COST_STATUSES.flatMap((from) =>
    COST_STATUSES.filter((to) => result.transitions[from][to] > 0).map(
      (to) =>
        `  ${`${from} -> ${to}`.padEnd(22)} ${result.transitions[from][to]}` +
        (from === 'provided' ? " (the caller's cost is kept)" : ''),
    ),
  );
  const sign = result.differenceUsd.startsWith('-') ? '' : '+';
  return [
    `Repricing tier ${result.tier}, ${result.model === null ? 'every model' : `model ${result.model}`}, ` +
      `created from ${result.from.toISOString()} (inclusive) to ${result.to.toISOString()} (exclusive)`,
    field('Rows matched', result.rowsMatched),
    field(result.applied ? 'Rows changed' : 'Rows that would change', result.rowsChanged),
    'Cost status (old -> new):',
    ...(transitions.length === 0 ? ['  (no rows)'] : transitions),
    field('Left unpriced', `${result.rowsLeftUnpriced} (no price in effect, so no cost)`),
    field('Total before', `${result.oldTotalUsd} USD`),
    field('Total after', `${result.newTotalUsd} USD`),
    field('Difference', `${sign}${result.differenceUsd} USD`),
    result.applied
      ? `Applied: ${result.rowsChanged} rows rewritten in ${result.batches} batches.`
      : 'Dry run: nothing was written. Run again with --apply to rewrite these rows.',
  ];
}

const COMMANDS = new Map<string, (values: Arguments) => (database: DatabaseHandle) => Promise<void>>([
  ['migrate', () => runMigrate],
  [
    'rollback',
    ({ all }) =>
      (database) =>
        runRollback(database, all === true),
  ],
  ['status', () => runStatus],
  ['serve', () => runServe],
  ['demo', () => runDemo],
  ['rollup', () => async (database) => report(database, await withDataSource(database, runRollupRefresh))],
  [
    'reprice',
    (values) => {
      const options = repriceOptions(values);
      return (database) => runReprice(database, options);
    },
  ],
  [
    'retention',
    (values) => {
      const options = retentionOptions(values, (message) => new UsageError(message));
      return async (database) =>
        report(database, await withDataSource(database, (dataSource) => runRetention(dataSource, options)));
    },
  ],
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
