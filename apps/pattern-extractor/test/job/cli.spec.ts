import { describe, expect, test } from '@jest/globals';
import { useTestDatabase } from '@llm-metrics/db/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedHistory } from '../../src/testing/history-fixtures';
import { minedPatterns, resetExtractor } from './job-fixtures';

/** The compiled CLI, as `pnpm extract` runs it (build first). */
const MAIN = path.join(__dirname, '..', '..', 'dist', 'main.js');
const db = useTestDatabase();

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: db.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const cli = (args: readonly string[], env?: Record<string, string>) => finished(start(args, env));

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('pnpm extract (compiled CLI)', () => {
  test.each([
    [['run', '--batch-size', '0'], /--batch-size must be an integer/],
    [['run', '--batch-size', 'ten'], /--batch-size must be a whole number/],
    [['run', '--min-quality', '1.5'], /--min-quality must be a number from 0 to 1/],
    [['run', '--min-support', '-1'], /min-support/],
    [['run', '--since', '2026-01-01'], /--since needs --full or --dry-run/],
    [['run', '--dry-run', '--since', '2026-02-30x'], /--since must be an ISO-8601 date/],
    [['run', '--dry-run', '--since', '2026-03-01', '--until', '2026-02-01'], /--until must be after --since/],
    [['run', '--cron', '* * * * *'], /--cron only applies to schedule/],
    [['status', '--full'], /--full only applies to run and schedule/],
    [['schedule', '--cron', 'every night'], /--cron is not a valid cron expression/],
    [['schedule', '--assignments', 'x'], /--assignments only applies to run/],
    [['run', '--bogus'], /bogus/],
    [['mine'], /unknown command: mine/],
    [[], /a command is required/],
  ])('%j exits 2 naming the argument', async (args, message) => {
    const result = await cli(args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test('run writes JSON log lines, a summary and the assignments file; status shows the watermark', async () => {
    await seedHistory(db.dataSource, { seed: 5, rows: 300 });
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'extract-')), 'assignments.jsonl');
    const result = await cli(['run', '--batch-size', '100', '--assignments', file, '--skip-maintenance']);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.filter((line) => line.msg === 'batch committed')).toHaveLength(3);
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      msg: 'extraction run done',
      status: 'succeeded',
      rows_read: 300,
      patterns_created: expect.any(Number),
      patterns_updated: 0,
      patterns_retired: 0,
      seconds: expect.any(Number),
    });
    const assignments = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(assignments).toHaveLength(300);
    expect(Object.keys(assignments[0] ?? {})).toEqual([
      'history_id',
      'prompt_template',
      'error_signature',
      'code_fingerprint',
    ]);
    const [ids] = await db.dataSource.query<{ ids: string[] }[]>(
      `SELECT array_agg(id::text ORDER BY id) AS ids FROM llm_generation_history`,
    );
    expect(assignments.map((row) => row.history_id).sort()).toEqual(ids?.ids);
    // Each row names the template it is counted under now, not the fingerprint a young template had.
    const [templates] = await db.dataSource.query<{ fingerprints: string[] }[]>(
      `SELECT array_agg(fingerprint ORDER BY fingerprint) AS fingerprints FROM llm_pattern_candidates
       WHERE scope = 'live' AND pattern_type = 'high_quality_prompt'`,
    );
    const named = [...new Set(assignments.map((row) => row.prompt_template as string))].sort();
    expect(named).toEqual(templates?.fingerprints);

    const status = await cli(['status']);
    expect(status.code).toBe(0);
    const [summary, lastRun] = jsonLines(status.stdout);
    expect(summary).toMatchObject({ msg: 'extractor status', pending_rows: 0, rows_mined: 300 });
    expect(lastRun).toMatchObject({ msg: 'run', status: 'succeeded', rows_read: 300 });
  });

  test('an assignments file that cannot be written is a bad argument (exit 2)', async () => {
    const result = await cli(['run', '--assignments', '/nonexistent-dir/assignments.jsonl']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--assignments \/nonexistent-dir\/assignments.jsonl cannot be written/);
  });

  test('a bad retention window in the environment is a bad argument (exit 2), naming it', async () => {
    const runs = () => db.dataSource.query<unknown[]>(`SELECT id FROM llm_extraction_runs ORDER BY id`);
    const before = await runs();
    const result = await cli(['run'], { RETENTION_HISTORY_DAYS: '-3' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('RETENTION_HISTORY_DAYS');
    expect(await runs()).toEqual(before);
  });

  test('a run finding the lock held exits 3', async () => {
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('llm-metrics/pattern-extractor'))`);
      const result = await cli(['run']);
      expect(result.code).toBe(3);
      expect(result.stdout).toContain('another extraction run holds the lock');
    } finally {
      await holder.query(`SELECT pg_advisory_unlock_all()`);
      await holder.release();
    }
  });

  test('two runs started at once: one does the work, the other exits 3', async () => {
    await seedHistory(db.dataSource, { seed: 5, rows: 1_500, offset: 300 });
    const args = ['run', '--batch-size', '50', '--skip-maintenance'];
    const results = await Promise.all([cli(args), cli(args)]);
    expect(results.map((result) => result.code).sort()).toEqual([0, 3]);
    const [row] = await db.dataSource.query<{ rows: string }[]>(
      `SELECT sum(rows_read) AS rows FROM llm_extraction_runs`,
    );
    expect(Number(row?.rows)).toBe(1_800);
  });

  test('schedule runs on its cron and stops cleanly on SIGTERM', async () => {
    await seedHistory(db.dataSource, { seed: 5, rows: 20, offset: 1_800 });
    const child = start(['schedule', '--cron', '* * * * * *', '--skip-maintenance']);
    const result = finished(child);
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('scheduled run ended')) resolve();
      });
    });
    child.kill('SIGTERM');
    const { code, stdout } = await result;
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    expect(lines.find((line) => line.msg === 'extraction run done')).toMatchObject({ rows_read: 20 });
    expect(lines.at(-1)).toMatchObject({ msg: 'schedule stopped', reason: 'SIGTERM' });
  });

  test('a run killed with SIGKILL mid-run: the next one takes over its row and ends like an uninterrupted run', async () => {
    const args = ['run', '--batch-size', '100', '--skip-maintenance'];
    await resetExtractor(db.dataSource);
    expect((await cli(args)).code).toBe(0);
    const uninterrupted = await minedPatterns(db.dataSource);

    await resetExtractor(db.dataSource);
    const child = start(args);
    const exited = finished(child);
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if ((seen.match(/"batch committed"/g) ?? []).length >= 3) resolve();
      });
    });
    child.kill('SIGKILL');
    expect((await exited).code).toBeNull();
    const [killed] = await db.dataSource.query<{ status: string; rows_read: string }[]>(
      `SELECT status, rows_read FROM llm_extraction_runs`,
    );
    expect(killed?.status).toBe('running');
    expect(Number(killed?.rows_read)).toBeGreaterThanOrEqual(300);

    const resumed = await cli(args);
    expect(resumed.code).toBe(0);
    expect(jsonLines(resumed.stdout).at(-1)).toMatchObject({ abandoned_runs_taken_over: 1 });
    expect(await minedPatterns(db.dataSource)).toEqual(uninterrupted);
    const statuses = await db.dataSource.query<{ status: string }[]>(
      `SELECT status FROM llm_extraction_runs ORDER BY started_at`,
    );
    expect(statuses.map((row) => row.status)).toEqual(['abandoned', 'succeeded']);
  });
});
