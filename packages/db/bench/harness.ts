/**
 * What every benchmark of the db package shares: its parameters from the environment, a scratch
 * database of its own on the configured server, timing with medians, and the output the
 * performance protocol fixes (a table for people, one `BENCH <ID> ratio=…` line for tools).
 * Benchmarks are programs (`node dist/bench/bench/<id>-….bench.js`), run by `pnpm bench`.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { describeDatabaseUrl, loadDatabaseConfig } from '../src/config';
import { connectDataSource, openDatabase } from '../src/connection';
import { isAlive } from '../src/embedded-postgres';
import { migrate } from '../src/migrator';
import { databaseUrl, queryServer, runOnServer } from '../src/testing/test-server';

/** Exit code of a benchmark given a bad parameter (as for the CLIs: 2 = bad arguments). */
const BAD_PARAMETER = 2;

export class BenchParameterError extends Error {}

/** A positive integer from the environment (`BENCH_ROWS=200000`), or `fallback` when unset or empty. */
export function positiveIntegerParameter(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new BenchParameterError(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
  }
  return value;
}

export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  /** `host:port` of the server and where it came from, for the report. */
  readonly server: string;
  readonly serverVersion: string;
  /** A DataSource on the scratch database (TypeORM, the package's usual options). */
  readonly dataSource: DataSource;
}

/**
 * Runs `body` on a database made for it: `CREATE DATABASE bench_<id>_…` on the configured server
 * (`DATABASE_URL`, else the embedded PostgreSQL), migrated with `migrate()`, and dropped afterwards
 * `WITH (FORCE)` whatever happens, so a benchmark never touches real data.
 */
export async function withScratchDatabase<T>(
  id: string,
  body: (database: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase(loadDatabaseConfig());
  try {
    if (handle.origin === 'embedded') await dropLeftovers(handle.url);
    const name = `bench_${id.toLowerCase()}_${process.pid}_${randomBytes(3).toString('hex')}`;
    const drop = () => runOnServer(handle.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await runOnServer(handle.url, `CREATE DATABASE ${name}`);
    const stopOnSignal = dropOnSignal(drop);
    try {
      const url = databaseUrl(handle.url, name);
      const dataSource = await connectDataSource(url, { applicationName: `llm-metrics-bench-${id}` });
      try {
        await migrate(dataSource);
        const [{ version }] = await dataSource.query<[{ version: string }]>(
          `SELECT current_setting('server_version') AS version`,
        );
        return await body({
          name,
          url,
          server: `${describeDatabaseUrl(handle.url).replace(/\/.*$/, '')} (${handle.origin})`,
          serverVersion: version,
          dataSource,
        });
      } finally {
        await dataSource.destroy();
      }
    } finally {
      stopOnSignal();
      await drop();
    }
  } finally {
    await handle.close();
  }
}

/** Set once a signal asked the benchmark to stop: what fails after it is its consequence. */
let interrupted: NodeJS.Signals | undefined;

/**
 * Ctrl-C or SIGTERM during a benchmark: drop its database before exiting. (Against the embedded
 * server, whose package stops it on the same signal, this may lose the race; `dropLeftovers`
 * then removes the database on the next run.)
 */
function dropOnSignal(drop: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
    const code = 128 + (signal === 'SIGINT' ? 2 : 15);
    drop().then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Scratch databases of interrupted runs on the embedded server: those whose process is gone. */
async function dropLeftovers(serverUrl: string): Promise<void> {
  const rows = await queryServer<{ datname: string }>(
    serverUrl,
    `SELECT datname FROM pg_database WHERE datname ~ '^bench_[a-z0-9]+_[0-9]+_[0-9a-f]{6}$'`,
  );
  for (const { datname } of rows) {
    const pid = Number(datname.split('_').at(-2));
    if (isAlive(pid)) continue;
    await runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    console.log(`dropped ${datname}, left over by an interrupted benchmark`);
  }
}

/** One timed run of a measure. */
export interface Run {
  readonly rows: number;
  readonly seconds: number;
}

/** Times `work`, which handles `rows` rows. */
export async function timed(rows: number, work: () => Promise<void>): Promise<Run> {
  const start = performance.now();
  await work();
  return { rows, seconds: (performance.now() - start) / 1000 };
}

/** A measure's runs, summarised by their median (these machines are noisy). */
export interface Measure {
  readonly name: string;
  readonly runs: readonly Run[];
  readonly rows: number;
  readonly medianSeconds: number;
  readonly rowsPerSecond: number;
  /** Shown instead of figures when the measure could not be taken. */
  readonly missing?: string;
}

export function summarise(name: string, runs: readonly Run[]): Measure {
  const rowsPerSecond = median(runs.map((run) => run.rows / run.seconds));
  return {
    name,
    runs,
    rows: runs[0]?.rows ?? 0,
    medianSeconds: median(runs.map((run) => run.seconds)),
    rowsPerSecond,
  };
}

export function missingMeasure(name: string, reason: string): Measure {
  return { name, runs: [], rows: 0, medianSeconds: NaN, rowsPerSecond: NaN, missing: reason };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `value` with about `digits` significant digits, never in exponent notation (45612 → 45600). */
export function significant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits));
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(rounded))));
  return rounded.toFixed(decimals);
}

/** The table for people: one line per measure, figures as medians of the runs. */
export function formatTable(measures: readonly Measure[], baseline: string): string {
  const base = measures.find((measure) => measure.name === baseline);
  const header = ['measure', 'rows', 'runs (s)', 'median s', 'rows/s', `÷ ${baseline}`];
  const lines = measures.map((measure) =>
    measure.missing !== undefined
      ? [measure.name, '-', '-', '-', '-', `MISSING: ${measure.missing}`]
      : [
          measure.name,
          measure.rows.toLocaleString('en-US'),
          measure.runs.map((run) => run.seconds.toFixed(2)).join(' '),
          measure.medianSeconds.toFixed(3),
          Math.round(measure.rowsPerSecond).toLocaleString('en-US'),
          base === undefined ? '-' : significant(measure.rowsPerSecond / base.rowsPerSecond),
        ],
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n');
}

/** The machine-readable line of the performance protocol: `BENCH <ID> ratio=<number> [key=value …]`. */
export function benchLine(id: string, ratio: number, extras: Readonly<Record<string, number>> = {}): string {
  const pairs = Object.entries(extras).map(([key, value]) => `${key}=${significant(value)}`);
  return [`BENCH ${id}`, `ratio=${significant(ratio)}`, ...pairs].join(' ');
}

/** Runs a benchmark program: a bad parameter exits 2, any other failure 1, with the reason. */
export function runBenchmark(id: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (interrupted !== undefined) {
      console.error(`${id} stopped by ${interrupted}; its scratch database is dropped`);
      return;
    }
    if (error instanceof BenchParameterError) {
      console.error(`${id}: ${error.message}`);
      process.exitCode = BAD_PARAMETER;
      return;
    }
    console.error(`${id} failed:`, error);
    process.exitCode = 1;
  });
}
