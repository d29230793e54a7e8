/**
 * What the job's benchmarks (P3, P4) share: a scratch database on the configured server (as the db
 * package's benchmarks make theirs: `bench_<id>_<pid>_<hex>`, migrated, dropped `WITH (FORCE)` whatever
 * happens), generated history written in chunks, the keyset SELECT stream the miner is measured
 * against, and a full run in a child process so that its peak RSS is the miner's alone.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadDatabaseConfig } from '@llm-metrics/db/config';
import { connectDataSource, openDatabase } from '@llm-metrics/db/connection';
import type { DataSource } from 'typeorm';
import { ExtractionRepository, ZERO_WATERMARK } from '../src/job/extraction.repository';
import { DEFAULT_RUN_OPTIONS } from '../src/job/run-options';
import { seedHistory } from '../src/testing/history-fixtures';

/** A positive integer from the environment, or `fallback` when unset. */
export function sizeParameter(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return value;
}

export async function withScratchDatabase(
  id: string,
  body: (dataSource: DataSource, url: string) => Promise<void>,
): Promise<void> {
  const server = await openDatabase(loadDatabaseConfig());
  // The server's own database, for CREATE / DROP DATABASE (`@llm-metrics/db/testing` needs jest).
  const maintenance = await connectDataSource(server.url, { applicationName: `llm-metrics-bench-${id}` });
  const runOnServer = async (_url: string, statement: string) => void (await maintenance.query(statement));
  const name = `bench_${id.toLowerCase()}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const drop = () => runOnServer(server.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  const onSignal = () => void drop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runOnServer(server.url, `CREATE DATABASE ${name}`);
    const url = databaseUrl(server.url, name);
    const dataSource = await connectDataSource(url, { applicationName: `llm-metrics-bench-${id}` });
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      await body(dataSource, url);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await drop();
    await maintenance.destroy();
    await server.close();
  }
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const CHUNK_ROWS = 10_000;

/**
 * Appends rows `fromRows` to `fromRows + rows` of the benchmark's history: row n is row n % 10,000 of
 * generator seed 1000 + n / 10,000 (the generator holds a whole seed in memory), so growing the history
 * in steps gives the same rows as writing it at once.
 */
export async function growHistory(dataSource: DataSource, fromRows: number, rows: number): Promise<void> {
  for (let at = fromRows; at < fromRows + rows;) {
    const offset = at % CHUNK_ROWS;
    const count = Math.min(CHUNK_ROWS - offset, fromRows + rows - at);
    await seedHistory(dataSource, {
      seed: 1_000 + Math.floor(at / CHUNK_ROWS),
      rows: count,
      offset,
      chunk: 5_000,
    });
    at += count;
  }
  await dataSource.query(`ANALYZE llm_generation_history`);
  await dataSource.query(`ANALYZE llm_generation_metrics`);
}

/** The baseline: the miner's own keyset batches over the same rows, read and dropped. */
export async function selectStream(dataSource: DataSource): Promise<{ rows: number; seconds: number }> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const repository = new ExtractionRepository(runner);
    const started = process.hrtime.bigint();
    let watermark = ZERO_WATERMARK;
    let rows = 0;
    for (;;) {
      const batch = await repository.readBatch(watermark, DEFAULT_RUN_OPTIONS.batchSize, {
        since: null,
        until: null,
      });
      const last = batch.at(-1);
      if (last === undefined) break;
      rows += batch.length;
      watermark = { xid: last.insert_xid, id: last.history_id };
    }
    return { rows, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await runner.release();
  }
}

export interface ChildRun {
  readonly rows: number;
  readonly seconds: number;
  readonly maxRssMb: number;
}

/** One `run` (full or incremental, no maintenance) in its own process; its peak RSS included. */
export async function runInChild(url: string, mode: 'full' | 'incremental'): Promise<ChildRun> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(__dirname, 'run-child.js'), url, mode],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildRun;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function round(value: number, digits = 3): string {
  return Number(value.toPrecision(digits)).toString();
}
