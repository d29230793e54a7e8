/**
 * P5 "API": `GET /api/v1/analytics/cost` (the seed's cost by tier and model, last 7 days) against a
 * bare GET of the same app (same middleware, key check, throttler, pipes and logger), both under
 * autocannon at 64 connections; then `POST /api/v1/generations` with batches (rows/s).
 *
 * The app runs in this process on a scratch database of the configured server (`DATABASE_URL`, else
 * the embedded PostgreSQL) filled with BENCH_P5_ROWS rows over 30 days and rolled up; autocannon runs
 * as a child process, so load generation does not share the app's event loop. The rate limit is
 * raised for the run (config), the log level is `silent`.
 *
 * Environment: BENCH_P5_ROWS (300,000), BENCH_P5_SECONDS (10 per measure), BENCH_P5_BATCH (500), DATABASE_URL.
 */
import 'reflect-metadata';
import { describeDatabaseUrl, loadDatabaseConfig } from '@llm-metrics/db/config';
import { connectDataSource, openDatabase } from '@llm-metrics/db/connection';
import { getRollupWatermark, refreshRollups } from '@llm-metrics/db/rollups';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { createApp } from '../src/create-app';
import { BareModule, BenchRootModule } from './bare.module';

const ID = 'P5';
const CONNECTIONS = 64;
const KEY = `bench-admin-key-${randomBytes(12).toString('hex')}`;

function parameter(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`${ID}: ${name} must be a positive integer (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return value;
}

const ROWS = parameter('BENCH_P5_ROWS', 300_000);
const SECONDS = parameter('BENCH_P5_SECONDS', 10);
const BATCH = parameter('BENCH_P5_BATCH', 500);

/** Metrics rows within 30 days before now, priced ('provided') but 5% unpriced, like real traffic. */
const FILL_SQL = `
  INSERT INTO llm_generation_metrics (correlation_id, node_type, service_name, method_name, tier, model_used,
    tokens_input, tokens_output, tokens_total, latency_ms, cost_usd, cost_status, syntax_valid, truncated, created_at)
  SELECT gen_random_uuid(), (ARRAY['effect', 'compute', 'reducer', 'orchestrator'])[1 + i % 4],
         (ARRAY['PostgresService', 'KafkaService', 'RedisService'])[1 + i % 3], 'generate',
         (ARRAY['local', 'cloud_fast', 'cloud_premium'])[1 + i % 3],
         (ARRAY['ollama/codellama:7b', 'glm-4.5', 'glm-4.6'])[1 + i % 3],
         1000 + i % 3000, 200 + i % 1500, 1200 + i % 3000 + i % 1500, exp(random() * 8),
         CASE WHEN i % 20 = 0 THEN NULL ELSE round(((1000 + i % 3000) * 0.0000002)::numeric, 12) END,
         CASE WHEN i % 20 = 0 THEN 'unpriced' ELSE 'provided' END,
         random() < 0.9, random() < 0.05, now() - random() * interval '30 days'
  FROM generate_series(1, $1::integer) AS i`;

interface Load {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly non2xx: number;
}

/** autocannon in a child process; its JSON summary. */
function autocannon(url: string, extra: readonly string[], seconds = SECONDS): Promise<Load> {
  const bin = require.resolve('autocannon');
  const args = [
    bin,
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    '-j',
    '-H',
    `Authorization=Bearer ${KEY}`,
    ...extra,
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}`));
      const result = JSON.parse(output) as {
        requests: { average: number };
        latency: { p99: number };
        non2xx: number;
      };
      resolve({
        requestsPerSecond: result.requests.average,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
      });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const fmt = (value: number, digits = 3) => Number(value.toPrecision(digits)).toString();

async function withScratchDatabase(
  body: (url: string, dataSource: DataSource) => Promise<void>,
): Promise<void> {
  const handle = await openDatabase(loadDatabaseConfig());
  const server = await connectDataSource(handle.url, { applicationName: 'llm-metrics-bench-p5' });
  const name = `bench_p5_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = new URL(handle.url);
  url.pathname = `/${name}`;
  try {
    await server.query(`CREATE DATABASE ${name}`);
    console.log(`server ${describeDatabaseUrl(handle.url)} (${handle.origin}), scratch database ${name}`);
    const dataSource = await connectDataSource(url.toString(), { applicationName: 'llm-metrics-bench-p5' });
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      await body(url.toString(), dataSource);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.destroy();
    await handle.close();
  }
}

async function main(): Promise<void> {
  await withScratchDatabase(async (databaseUrl, dataSource) => {
    let started = Date.now();
    await dataSource.query(FILL_SQL, [ROWS]);
    // Statistics as autovacuum would have them on a live database (it may be off on a test server).
    await dataSource.query(`ANALYZE llm_generation_metrics`);
    const tail = await refreshUntilCaughtUp(dataSource);
    console.log(
      `${ROWS.toLocaleString('en-US')} rows over 30 days, rolled up in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        ` (${tail} rows left above the watermark)`,
    );

    const options = {
      database: { url: databaseUrl, origin: 'DATABASE_URL' as const, close: () => Promise.resolve() },
      config: {
        port: 0,
        adminApiKey: KEY,
        logLevel: 'silent' as const,
        rateLimitPerMinute: 1_000_000_000,
        bodyLimitBytes: 50 * 1024 * 1024,
        migrateOnStart: false,
      },
    };
    const app = await createApp(options, {
      module: BenchRootModule,
      imports: [AppModule.forRoot(options), BareModule],
    });
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const bare = `${base}/bench/bare`;
    const analytics = `${base}/api/v1/analytics/cost`;
    const directory = await mkdtemp(path.join(tmpdir(), 'llm-metrics-p5-'));
    try {
      await autocannon(bare, [], 2);
      await autocannon(analytics, [], 2);
      const bareRuns: Load[] = [];
      const analyticsRuns: Load[] = [];
      for (let round = 0; round < 2; round += 1) {
        bareRuns.push(await autocannon(bare, []));
        analyticsRuns.push(await autocannon(analytics, []));
      }
      const body = path.join(directory, 'batch.json');
      await writeFile(body, JSON.stringify(batch(BATCH)));
      started = Date.now();
      const posts = await autocannon(`${base}/api/v1/generations`, [
        '-m',
        'POST',
        '-H',
        'Content-Type=application/json',
        '-i',
        body,
      ]);
      const failures = [...bareRuns, ...analyticsRuns, posts].reduce((sum, run) => sum + run.non2xx, 0);

      const bareRps = median(bareRuns.map((run) => run.requestsPerSecond));
      const analyticsRps = median(analyticsRuns.map((run) => run.requestsPerSecond));
      const p99 = median(analyticsRuns.map((run) => run.p99Ms));
      const bareP99 = median(bareRuns.map((run) => run.p99Ms));
      console.log('\nmeasure                                req/s (runs)            p99 ms');
      console.log(
        `bare GET /bench/bare                   ${bareRuns.map((run) => fmt(run.requestsPerSecond)).join(' ')}   ${bareRuns.map((run) => run.p99Ms).join(' ')}`,
      );
      console.log(
        `GET /api/v1/analytics/cost             ${analyticsRuns.map((run) => fmt(run.requestsPerSecond)).join(' ')}   ${analyticsRuns.map((run) => run.p99Ms).join(' ')}`,
      );
      console.log(
        `POST /api/v1/generations x${BATCH}        ${fmt(posts.requestsPerSecond)} req/s = ${fmt(posts.requestsPerSecond * BATCH)} rows/s   p99 ${posts.p99Ms} ms`,
      );
      if (failures > 0) console.log(`WARNING: ${failures} responses were not 2xx`);
      console.log(
        `BENCH ${ID} ratio=${fmt(analyticsRps / bareRps)} p99_ms=${fmt(p99)} analytics_rps=${fmt(analyticsRps)} bare_rps=${fmt(bareRps)} bare_p99_ms=${fmt(bareP99)} post_rows_per_s=${fmt(posts.requestsPerSecond * BATCH)}`,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
      await app.close();
    }
  });
}

/**
 * Refreshes until every row is rolled up (for at most a minute): on a shared server another session's
 * open transaction holds the watermark back, and the report would read the rows above it raw.
 * Returns the rows still above the watermark.
 */
async function refreshUntilCaughtUp(dataSource: DataSource): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await refreshRollups(dataSource);
    const watermark = await getRollupWatermark(dataSource);
    const [{ above }] = await dataSource.query<[{ above: number }]>(
      `SELECT count(*)::integer AS above FROM llm_generation_metrics WHERE (insert_xid, id) > ($1, $2)`,
      [watermark.insertXid, watermark.id],
    );
    if (above === 0 || Date.now() > deadline) return above;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A batch of generations as a service would post them (priced by the seed tiers). */
function batch(size: number): object[] {
  return Array.from({ length: size }, (_, index) => ({
    node_type: 'effect',
    service_name: 'PostgresService',
    method_name: `method_${index % 10}`,
    tier: ['local', 'cloud_fast', 'cloud_premium'][index % 3],
    model_used: ['ollama/codellama:7b', 'glm-4.5', 'glm-4.6'][index % 3],
    tokens_input: 1000 + index,
    tokens_output: 500 + index,
    latency_ms: 100 + index,
    syntax_valid: true,
  }));
}

main().catch((error: unknown) => {
  console.error(`${ID} failed:`, error);
  process.exitCode = 1;
});
