/**
 * P6: seconds from `npm start` to the first 200 on /health, with a warm install and an embedded
 * database that is already initialised (the first, untimed start initialises it and writes the
 * demo data). Each timed start is interrupted like Ctrl-C and must stop its PostgreSQL.
 * Parameters: BENCH_RUNS (timed starts, default 3). Prints `BENCH P6 ratio=<median seconds>`.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const GOAL_SECONDS = 10;
const GIVE_UP_MS = 180_000;

async function main(): Promise<void> {
  const runs = positiveInteger('BENCH_RUNS', 3);
  const dataRoot = await mkdtemp(path.join(tmpdir(), 'llm-metrics-p6-'));
  // As root, the embedded PostgreSQL runs as the postgres user, who must enter this directory.
  await chmod(dataRoot, 0o755);
  const env = {
    ...withoutDatabaseSettings(process.env),
    EMBEDDED_PG_DATA_DIR: path.join(dataRoot, 'postgres'),
    EMBEDDED_PG_PORT: String(await freePort()),
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  };
  try {
    const first = await startOnce(env);
    console.log(`first start (initialises the cluster, writes the demo data): ${first.toFixed(2)} s`);
    const seconds: number[] = [];
    for (let run = 0; run < runs; run += 1) seconds.push(await startOnce(env));
    const sorted = [...seconds].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log('\n| measure | seconds |\n|---|---|');
    seconds.forEach((value, index) => console.log(`| warm start ${index + 1} | ${value.toFixed(2)} |`));
    console.log(`| median | ${median.toFixed(2)} |`);
    console.log(`| goal | <= ${GOAL_SECONDS} |`);
    console.log(
      `\nBENCH P6 ratio=${median.toFixed(2)} runs=${runs} min_s=${sorted[0]!.toFixed(2)} max_s=${sorted.at(-1)!.toFixed(2)}`,
    );
  } finally {
    await rm(dataRoot, { recursive: true, force: true });
  }
}

/** Runs `npm start` in its own process group; seconds until /health first answers 200, then Ctrl-C. */
async function startOnce(env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  try {
    while (running) {
      if (await isHealthy(`http://127.0.0.1:${env.PORT}/health`)) return (performance.now() - started) / 1000;
      if (performance.now() - started > GIVE_UP_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`npm start never answered 200 on /health:\n${output}`);
  } finally {
    if (child.pid !== undefined && running) process.kill(-child.pid, 'SIGINT');
    await exited;
  }
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false;
  }
}

/** The benchmark measures the embedded database with a generated key: no server or key from outside. */
function withoutDatabaseSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, ADMIN_API_KEY: _key, ...rest } = env;
  return rest;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
