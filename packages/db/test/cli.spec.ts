import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, freePort, queryServer, type TestDatabase } from '../src/testing';
import { MIGRATIONS } from '../src/migrations';

/** The compiled CLI behind `pnpm db:*`: the tests run what users run (turbo builds it first). */
const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'db.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const { DATABASE_URL: _inherited, ...rest } = process.env;
  return spawn(process.execPath, [CLI, ...args], { env: { ...rest, ...env } });
}

function finish(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => finish(start(args, env));

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the package first (pnpm build)`);
});

describe('pnpm db:* against DATABASE_URL', () => {
  let database: TestDatabase;
  beforeAll(async () => (database = await createTestDatabase({ migrated: false })));
  afterAll(() => database.drop());

  const tables = () =>
    queryServer<{ name: string }>(
      database.url,
      `SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'llm\\_%'`,
    );

  // Eleven CLI runs, each connecting and migrating: on two cores, beside the other packages' tests,
  // that takes longer than jest's default timeout.
  test('status, migrate, rollback and rollback --all', async () => {
    const env = { DATABASE_URL: database.url };
    const where = `Database: 127.0.0.1`;

    let result = await run(['status'], env);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining(where) });
    expect(result.stdout).toContain('[pending] CreateLlmMetricsTables1761868800000');

    result = await run(['migrate'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Applied CreateLlmMetricsTables1761868800000');
    expect(result.stdout).toContain('Applied AddPriceHistory1764892800000');
    expect(result.stdout).toContain('Applied PartitionByMonth1765100000000');
    // 15 tables and the bookkeeping one, plus 5 partitions (default, this month, 3 ahead) of 2 tables.
    expect(await tables()).toHaveLength(26);
    expect((await run(['migrate'], env)).stdout).toContain('Already up to date.');
    expect((await run(['status'], env)).stdout).toContain('[applied] CreateLlmMetricsTables1761868800000');

    result = await run(['rollback'], env);
    expect(result.stdout.match(/Reverted \w+/g)).toEqual([`Reverted ${MIGRATIONS.at(-1)?.name}`]);

    result = await run(['rollback', '--all'], env);
    expect(result.stdout).toContain('Reverted CreateLlmMetricsTables1761868800000');
    expect((await tables()).map(({ name }) => name)).toEqual(['llm_metrics_migrations']);

    await run(['migrate'], env);
    result = await run(['rollback', '--all'], env);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Reverted') });
    expect((await run(['rollback', '--all'], env)).stdout).toContain('Nothing to roll back.');
  }, 120_000);
});

describe('pnpm db:demo (docker compose --profile demo)', () => {
  test('writes the demo month into a database without generations, once', async () => {
    const database = await createTestDatabase();
    try {
      const env = { DATABASE_URL: database.url };
      const count = async () =>
        (
          await queryServer<{ n: number }>(
            database.url,
            `SELECT count(*)::int AS n FROM llm_generation_metrics`,
          )
        )[0]?.n;
      const first = await run(['demo'], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Demo data written: \d+ generations, \d+ history rows\./);
      const rows = await count();
      expect(rows).toBeGreaterThan(1000);
      const second = await run(['demo'], env);
      expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining('no demo data written') });
      expect(await count()).toBe(rows);
    } finally {
      await database.drop();
    }
  });
});

describe('bad input', () => {
  test('a malformed DATABASE_URL stops with exit 2, naming the variable and not its value', async () => {
    const result = await run(['status'], { DATABASE_URL: 'postgres//admin:hunter2@db' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL must look like postgres://');
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });

  test('an unreachable database is named by host and port (exit 1), never by password', async () => {
    const result = await run(['migrate'], { DATABASE_URL: 'postgres://admin:hunter2@127.0.0.1:1/metrics' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot connect to PostgreSQL at 127.0.0.1:1/metrics');
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });

  test.each([[['frobnicate']], [[]], [['status', '--all']], [['migrate', 'extra']], [['status', '--nope']]])(
    'usage errors exit 2: %j',
    async (args) => {
      const result = await run(args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: llm-metrics-db <command>');
    },
  );
});

describe('the embedded PostgreSQL', () => {
  let parent: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'llm-metrics-cli-'));
    await chmod(parent, 0o755);
    env = { EMBEDDED_PG_DATA_DIR: path.join(parent, 'postgres'), EMBEDDED_PG_PORT: String(await freePort()) };
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  const pidFile = () => path.join(parent, 'postgres', 'postmaster.pid');

  test('starts on demand, migrates, and stops when the command ends', async () => {
    const result = await run(['migrate'], env);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('(embedded)') });
    expect(result.stdout).toContain('Applied CreateLlmMetricsTables1761868800000');
    expect(existsSync(path.join(parent, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(pidFile())).toBe(false);
  });

  test('serve keeps it up for other processes, which attach to it; Ctrl-C stops it cleanly', async () => {
    const server = start(['serve'], env);
    const served = finish(server);
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      server.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /DATABASE_URL=(\S+)/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      server.on('close', () => reject(new Error(`serve ended early:\n${output}`)));
    });
    expect(url).toMatch(
      new RegExp(`^postgres://postgres:\\w+@127\\.0\\.0\\.1:${env.EMBEDDED_PG_PORT}/postgres$`),
    );
    expect(await queryServer(url, 'SELECT tier FROM llm_context_windows ORDER BY tier')).toHaveLength(3);

    const status = await run(['status'], env);
    expect(status.stdout).toContain('[applied] CreateLlmMetricsTables1761868800000');
    expect(existsSync(pidFile())).toBe(true);

    server.kill('SIGINT');
    expect((await served).code).toBe(0);
    expect(existsSync(pidFile())).toBe(false);
  });

  test('serve refuses to run when DATABASE_URL points elsewhere', async () => {
    const result = await run(['serve'], { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unset DATABASE_URL');
  });
});
