#!/usr/bin/env node
/**
 * `llm-metrics-extract` (`pnpm extract …`): run, status, schedule. Exit codes: 0 done, 1 failed,
 * 2 bad arguments, 3 another run holds the lock. Arguments are checked before any database opens.
 */
import { loadDatabaseConfig, loadRetentionConfig } from '@llm-metrics/db/config';
import { connectDataSource, openDatabase } from '@llm-metrics/db/connection';
import { DbError } from '@llm-metrics/db/errors';
import { type Command, parseCommand, USAGE, UsageError } from './cli/arguments';
import { createOutput, type Output } from './cli/output';
import { EXIT_BAD_ARGUMENTS, EXIT_DONE, EXIT_FAILED, runCommand } from './cli/run-command';
import { scheduleCommand } from './cli/schedule-command';
import { statusCommand } from './cli/status-command';

async function main(argv: readonly string[], output: Output): Promise<number> {
  const parsed = parseCommand(argv);
  if (parsed.name === 'help') {
    console.log(USAGE);
    return EXIT_DONE;
  }
  // The nightly maintenance applies the retention windows of the environment.
  const command =
    parsed.name === 'status'
      ? parsed
      : { ...parsed, options: { ...parsed.options, retention: loadRetentionConfig() } };
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const database = await openDatabase(loadDatabaseConfig());
  try {
    const dataSource = await connectDataSource(database.url);
    try {
      return await dispatch(command, dataSource, output, stop.signal);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await database.close();
  }
}

function dispatch(
  command: Exclude<Command, { name: 'help' }>,
  dataSource: Parameters<typeof statusCommand>[0],
  output: Output,
  signal: AbortSignal,
): Promise<number> {
  switch (command.name) {
    case 'run':
      return runCommand(dataSource, command.options, output, {
        assignmentsPath: command.assignments,
        signal,
      });
    case 'status':
      return statusCommand(dataSource, output);
    case 'schedule':
      return scheduleCommand(dataSource, command.options, command.cron, output, signal);
  }
}

const output = createOutput();
main(process.argv.slice(2), output).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      process.exit(EXIT_BAD_ARGUMENTS);
    }
    if (error instanceof DbError && error.code === 'CONFIG_INVALID') {
      console.error(`error: ${error.message}`);
      process.exit(EXIT_BAD_ARGUMENTS);
    }
    output.error(error instanceof Error ? error.message : String(error));
    process.exit(EXIT_FAILED);
  },
);
