import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { RETENTION_LOCK_NAME } from '../src/retention';
import { seededRandom, useTestDatabase } from '../src/testing';
import { CATCH_UP_TIMEOUT_MS, insertRandomMetrics, refreshUntilCaughtUp } from './report-fixtures';

const db = useTestDatabase();

/** The compiled CLI behind `pnpm db:retention` (turbo builds it first). */
const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'db.js');

function retention(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { RETENTION_METRICS_DAYS: _m, RETENTION_HISTORY_DAYS: _h, ...inherited } = process.env;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'retention', ...args],
      { env: { ...inherited, DATABASE_URL: db.url, ...env } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

const partitions = async () =>
  (
    await db.dataSource.query<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid ORDER BY 1`,
    )
  ).map(({ name }) => name);

beforeAll(async () => {
  await db.dataSource.query(`SELECT llm_create_month_partition('llm_generation_metrics', '2025-05-01')`);
  const random = seededRandom(9);
  await insertRandomMetrics(db.dataSource, 50, random, () => new Date('2025-05-20T00:00:00Z'));
  await refreshUntilCaughtUp(db.dataSource);
}, CATCH_UP_TIMEOUT_MS);

describe('llm-metrics-db retention', () => {
  test('a dry run lists the partitions and what would go, and changes nothing', async () => {
    const before = await partitions();
    const result = await retention([], { RETENTION_METRICS_DAYS: '30' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/llm_generation_metrics: keep 30 days, cutoff /);
    expect(result.stdout).toMatch(
      /WOULD DROP +llm_generation_metrics_p2025_05 +2025-05-01 \.\. 2025-06-01 +50 rows/,
    );
    expect(result.stdout).toContain('llm_generation_history: no retention window, every partition is kept');
    expect(result.stdout).toContain('Dry run: nothing was changed. 1 partitions (50 rows) would be dropped');
    expect(await partitions()).toEqual(before);
  });

  test('--apply drops them; an option overrides the environment', async () => {
    const result = await retention(['--apply', '--metrics-days', '30'], { RETENTION_METRICS_DAYS: '3650' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/DROPPED +llm_generation_metrics_p2025_05/);
    expect(result.stdout).toContain('Applied: 1 partitions dropped (50 rows');
    expect(await partitions()).not.toContain('llm_generation_metrics_p2025_05');
  });

  test('another run holding the lock makes --apply fail (exit 1)', async () => {
    const other = db.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [RETENTION_LOCK_NAME]);
      const result = await retention(['--apply', '--metrics-days', '30']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('another retention run holds the lock');
    } finally {
      await other.release();
    }
  });

  test.each([
    [['--metrics-days', '0'], {}, '--metrics-days must be a positive whole number of days'],
    [['--history-days', 'x'], {}, '--history-days must be a positive whole number of days'],
    [[], { RETENTION_METRICS_DAYS: 'ninety' }, 'RETENTION_METRICS_DAYS'],
    [[], { RETENTION_HISTORY_DAYS: '0' }, 'RETENTION_HISTORY_DAYS'],
    [['--all'], {}, '--all only applies to rollback'],
  ])('bad input exits 2: %j %j', async (args, env, message) => {
    const result = await retention(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test('its options belong to it alone', async () => {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, 'status', '--metrics-days', '3'], (error, _stdout, stderr) =>
        resolve({ code: Number(error?.code ?? 0), stderr }),
      );
    });
    expect(code).toBe(2);
    expect(stderr).toContain('--metrics-days only applies to retention');
  });
});
