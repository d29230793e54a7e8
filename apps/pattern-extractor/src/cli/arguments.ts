/** Parses the extractor's command line into a typed command; a bad one throws `UsageError`. */
import { parseArgs } from 'node:util';
import { Cron } from 'croner';
import {
  DEFAULT_RUN_OPTIONS,
  findRunOptionProblem,
  type RunOptionField,
  type RunOptions,
} from '../job/run-options';

export const DEFAULT_CRON = '0 2 * * *';

export const USAGE = `Usage: llm-metrics-extract <command> [options]   (pnpm extract <command> …)

Commands:
  run        mine the history rows written since the last run into llm_patterns
  status     the last runs, the watermark and how far behind it is
  schedule   stay up and run on a cron schedule (default "${DEFAULT_CRON}", 02:00 UTC nightly)

Options of run (and of schedule, for each run):
  --full               rebuild every pattern from the whole history, swapped in at the end
  --dry-run            mine and report, write nothing
  --assignments FILE   write one JSON line per row read: {"history_id", "prompt_template",
                       "error_signature", "code_fingerprint"} (run only)
  --since DATE         only rows created at or after DATE (with --full or --dry-run)
  --until DATE         only rows created before DATE (with --full or --dry-run)
  --batch-size N       rows per batch, each one transaction (default ${DEFAULT_RUN_OPTIONS.batchSize})
  --min-quality Q      minimum average quality of a published template or implementation, 0..1
                       (default ${DEFAULT_RUN_OPTIONS.minQuality})
  --min-support N      minimum rows behind a published pattern (default ${DEFAULT_RUN_OPTIONS.minSupport})
  --skip-maintenance   skip the steps after mining (partitions ahead, rollup refresh)
Options of schedule:
  --cron EXPR          cron expression (5 or 6 fields, UTC)

Uses DATABASE_URL when set; otherwise the embedded PostgreSQL under .data/.
Exit codes: 0 done, 1 failed, 2 bad arguments, 3 another run holds the lock.`;

export class UsageError extends Error {}

export type Command =
  | { readonly name: 'help' }
  | { readonly name: 'run'; readonly options: RunOptions; readonly assignments: string | null }
  | { readonly name: 'status' }
  | { readonly name: 'schedule'; readonly options: RunOptions; readonly cron: string };

const FLAG_OF: Readonly<Record<RunOptionField, string>> = {
  batchSize: '--batch-size',
  minQuality: '--min-quality',
  minSupport: '--min-support',
  since: '--since',
  until: '--until',
};

const RUN_FLAGS = [
  'full',
  'dry-run',
  'since',
  'until',
  'batch-size',
  'min-quality',
  'min-support',
  'skip-maintenance',
] as const;

export function parseCommand(argv: readonly string[]): Command {
  const { values, positionals } = parse(argv);
  if (values.help === true) return { name: 'help' };
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError('a command is required (run, status or schedule)');
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const only = (flag: string, commands: readonly string[]) => {
    if (values[flag as keyof typeof values] !== undefined && !commands.includes(name)) {
      throw new UsageError(`--${flag} only applies to ${commands.join(' and ')}`);
    }
  };
  RUN_FLAGS.forEach((flag) => only(flag, ['run', 'schedule']));
  only('assignments', ['run']);
  only('cron', ['schedule']);
  switch (name) {
    case 'run':
      return { name, options: runOptions(values), assignments: values.assignments ?? null };
    case 'status':
      return { name };
    case 'schedule': {
      const cron = values.cron ?? DEFAULT_CRON;
      try {
        new Cron(cron, { paused: true, timezone: 'UTC' }).stop();
      } catch (error) {
        throw new UsageError(`--cron is not a valid cron expression: ${(error as Error).message}`);
      }
      return { name, options: runOptions(values), cron };
    }
    default:
      throw new UsageError(`unknown command: ${name}`);
  }
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        full: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        assignments: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'batch-size': { type: 'string' },
        'min-quality': { type: 'string' },
        'min-support': { type: 'string' },
        'skip-maintenance': { type: 'boolean' },
        cron: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

type Values = ReturnType<typeof parse>['values'];

function runOptions(values: Values): RunOptions {
  const integer = (flag: string, text: string | undefined, fallback: number) =>
    text === undefined ? fallback : /^\d+$/.test(text) ? Number(text) : fail(flag, 'must be a whole number');
  const decimal = (flag: string, text: string | undefined, fallback: number) =>
    text === undefined
      ? fallback
      : /^\d+(\.\d+)?$/.test(text)
        ? Number(text)
        : fail(flag, 'must be a number');
  const options: RunOptions = {
    full: values.full === true,
    dryRun: values['dry-run'] === true,
    since: values.since === undefined ? null : isoDate('--since', values.since),
    until: values.until === undefined ? null : isoDate('--until', values.until),
    batchSize: integer('--batch-size', values['batch-size'], DEFAULT_RUN_OPTIONS.batchSize),
    minQuality: decimal('--min-quality', values['min-quality'], DEFAULT_RUN_OPTIONS.minQuality),
    minSupport: integer('--min-support', values['min-support'], DEFAULT_RUN_OPTIONS.minSupport),
    skipMaintenance: values['skip-maintenance'] === true,
    retention: DEFAULT_RUN_OPTIONS.retention,
  };
  const problem = findRunOptionProblem(options);
  if (problem !== null) fail(FLAG_OF[problem.field], problem.message);
  return options;
}

function fail(flag: string, message: string): never {
  throw new UsageError(`${flag} ${message}`);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/** A calendar date (UTC midnight) or a date-time with its offset: never the machine's time zone. */
function isoDate(flag: string, text: string): Date {
  const date = new Date(text);
  if (!ISO_DATE.test(text) || Number.isNaN(date.getTime())) {
    fail(flag, 'must be an ISO-8601 date such as 2026-03-01 or 2026-03-01T12:00:00Z');
  }
  return date;
}
