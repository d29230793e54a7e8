import { describe, expect, test } from '@jest/globals';
import { useTestDatabase } from '@llm-metrics/db/testing';
import { ExtractionError } from '../../src/job/extraction-job';
import type { Assignment } from '../../src/job/pattern-miners';
import { historyId, seedHistory } from '../../src/testing/history-fixtures';
import { candidates, databaseFingerprint, minedPatterns, resetExtractor, run } from './job-fixtures';

const db = useTestDatabase();
const SEED = 11;

/** The tests share one history, grown in steps; each test resets the extractor first. */
describe('pattern extraction job', () => {
  test('a run mines every row into the three pattern types and records itself', async () => {
    await seedHistory(db.dataSource, { seed: SEED, rows: 400 });
    const summary = await run(db.dataSource);
    expect(summary).toMatchObject({ status: 'succeeded', mode: 'incremental', rowsRead: 400, batches: 4 });
    const types = await db.dataSource.query<{ pattern_type: string; patterns: number }[]>(
      `SELECT pattern_type, count(*)::integer AS patterns FROM llm_patterns GROUP BY 1 ORDER BY 1`,
    );
    expect(types.map((row) => row.pattern_type)).toEqual([
      'common_error',
      'high_quality_prompt',
      'successful_implementation',
    ]);
    // Every row is filed under exactly one prompt template.
    const [prompts] = await db.dataSource.query<{ rows: string }[]>(
      `SELECT sum(usage_count) AS rows FROM llm_pattern_candidates WHERE pattern_type = 'high_quality_prompt'`,
    );
    expect(Number(prompts?.rows)).toBe(400);
    const [runRow] = await db.dataSource.query<unknown[]>(`SELECT * FROM llm_extraction_runs`);
    expect(runRow).toMatchObject({
      status: 'succeeded',
      mode: 'incremental',
      rows_read: '400',
      patterns_created: summary.created,
      error: null,
    });
    expect(summary.created).toBe(types.reduce((sum, row) => sum + row.patterns, 0));
    // A second run finds nothing new and changes nothing.
    expect(await run(db.dataSource)).toMatchObject({ rowsRead: 0, created: 0, updated: 0, retired: 0 });
  });

  test('incremental runs end with the patterns of one full run over the same rows', async () => {
    await resetExtractor(db.dataSource);
    await run(db.dataSource, { batchSize: 70 }); // the 400 rows of the first test
    await seedHistory(db.dataSource, { seed: SEED, rows: 200, offset: 400 });
    expect((await run(db.dataSource, { batchSize: 70 })).rowsRead).toBe(200);
    const incremental = await minedPatterns(db.dataSource);
    const incrementalTotals = await candidates(db.dataSource, ['common_error', 'successful_implementation']);

    // Other batch boundaries: templates still settling at a boundary have their totals moved.
    const full = await run(db.dataSource, { full: true, batchSize: 150 });
    expect(full).toMatchObject({ status: 'succeeded', mode: 'full', rowsRead: 600, created: 0, retired: 0 });
    expect(await minedPatterns(db.dataSource)).toEqual(incremental);
    expect(await candidates(db.dataSource, ['common_error', 'successful_implementation'])).toEqual(
      incrementalTotals,
    );
    expect(await minedPatterns(db.dataSource)).not.toEqual([]);
  });

  test('a run killed after batch k and started again ends like an uninterrupted run', async () => {
    const uninterrupted = await minedPatterns(db.dataSource);
    await resetExtractor(db.dataSource);
    const killed = await run(
      db.dataSource,
      {},
      {
        afterBatch: ({ batch }) => {
          if (batch === 3) throw new Error('killed after batch 3');
        },
      },
    );
    expect(killed).toMatchObject({ status: 'failed', rowsRead: 300, error: 'killed after batch 3' });
    const [failedRow] = await db.dataSource.query<unknown[]>(
      `SELECT status, error, rows_read FROM llm_extraction_runs`,
    );
    expect(failedRow).toEqual({ status: 'failed', error: 'killed after batch 3', rows_read: '300' });

    expect(await run(db.dataSource)).toMatchObject({ status: 'succeeded', rowsRead: 300 });
    expect(await minedPatterns(db.dataSource)).toEqual(uninterrupted);
  });

  test('a stale running row (its process died) is marked abandoned and the run takes over', async () => {
    const [stale] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO llm_extraction_runs (mode, started_at, heartbeat_at)
       VALUES ('incremental', now() - interval '2 hours', now() - interval '2 hours') RETURNING id`,
    );
    const summary = await run(db.dataSource);
    expect(summary).toMatchObject({ status: 'succeeded', abandonedRuns: 1 });
    const [row] = await db.dataSource.query<unknown[]>(
      `SELECT status, finished_at, error FROM llm_extraction_runs WHERE id = $1`,
      [stale?.id],
    );
    expect(row).toMatchObject({
      status: 'abandoned',
      finished_at: expect.any(Date),
      error: expect.stringMatching(/took over/),
    });
  });

  test('a dry run writes nothing, yet reports what a run would do', async () => {
    await seedHistory(db.dataSource, { seed: SEED, rows: 150, offset: 600 });
    const before = await databaseFingerprint(db.dataSource);
    const seen: Assignment[] = [];
    const summary = await run(
      db.dataSource,
      { dryRun: true },
      { onAssignments: (rows) => void seen.push(...rows) },
    );
    expect(summary).toMatchObject({ status: 'succeeded', mode: 'dry_run', runId: null, rowsRead: 150 });
    expect(summary.updated).toBeGreaterThan(0);
    expect(await databaseFingerprint(db.dataSource)).toEqual(before);

    const fullDry = await run(db.dataSource, { dryRun: true, full: true });
    expect(fullDry.rowsRead).toBe(750);
    expect(await databaseFingerprint(db.dataSource)).toEqual(before);
  });

  test('the assignments cover every row read, once, in key order', async () => {
    const seen: Assignment[] = [];
    const summary = await run(db.dataSource, {}, { onAssignments: (rows) => void seen.push(...rows) });
    expect(summary.rowsRead).toBe(150);
    const expected = Array.from({ length: 150 }, (_, at) => historyId(SEED, 600 + at)).sort();
    expect(seen.map((row) => row.history_id).sort()).toEqual(expected);
    for (const row of seen) {
      expect(row.prompt_template).toMatch(/^[0-9a-f]{32}$/);
      expect(row.code_fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(row.error_signature === null || /^[0-9a-f]{16}$/.test(row.error_signature)).toBe(true);
    }
  });

  test('a late row with an old created_at is mined once', async () => {
    const [template] = await db.dataSource.query<{ id: string; prompt_text: string }[]>(
      `SELECT id, prompt_text FROM llm_generation_history ORDER BY created_at LIMIT 1`,
    );
    const late = await seedHistory(db.dataSource, {
      seed: SEED,
      rows: 1,
      offset: 5_000,
      createdAt: () => new Date('2025-06-01T00:00:00Z'),
    });
    const first = await run(db.dataSource);
    expect(first.rowsRead).toBe(1);
    expect(first.watermarkAfter.id).toBe(late[0]);
    expect((await run(db.dataSource)).rowsRead).toBe(0);
    expect(template).toBeDefined();
  });

  test('rows of a transaction still open are held back, then mined once it commits', async () => {
    const open = db.dataSource.createQueryRunner();
    await open.connect();
    try {
      await open.startTransaction();
      await open.query(
        `INSERT INTO llm_generation_history (correlation_id, node_type, method_name, prompt_text, generated_code,
           quality_score, validation_passed, created_at)
         VALUES (gen_random_uuid(), 'effect', 'slow_writer', 'Implement slow_writer.', 'pass', 0.9, true, now())`,
      );
      // Committed after the open transaction began: a larger xid, so held back too (never skipped).
      await seedHistory(db.dataSource, { seed: SEED, rows: 2, offset: 6_000 });
      expect((await run(db.dataSource)).rowsRead).toBe(0);
      await open.commitTransaction();
    } finally {
      await open.release();
    }
    expect((await run(db.dataSource)).rowsRead).toBe(3);
    expect((await run(db.dataSource)).rowsRead).toBe(0);
  });

  test('usage_count and avg_quality_score are exact, whatever the batch size', async () => {
    const byBatches = await minedPatterns(db.dataSource);
    await resetExtractor(db.dataSource);
    // Batches of 3 rows: every total is merged from many small parts.
    const small = await run(db.dataSource, { batchSize: 3 });
    expect(small.status).toBe('succeeded');
    const errors = (rows: unknown[]) =>
      (rows as { pattern_type: string }[]).filter((row) => row.pattern_type !== 'high_quality_prompt');
    // Errors and implementations do not depend on batch boundaries at all.
    expect(errors(await minedPatterns(db.dataSource))).toEqual(errors(byBatches));

    // Each average is the exact average of the rows filed under it.
    const seen = new Map<string, string[]>();
    await resetExtractor(db.dataSource);
    await run(
      db.dataSource,
      { batchSize: 7 },
      {
        onAssignments: (rows) => {
          for (const row of rows) {
            if (row.error_signature !== null)
              seen.set(row.error_signature, [...(seen.get(row.error_signature) ?? []), row.history_id]);
          }
        },
      },
    );
    const patterns = await db.dataSource.query<
      { fingerprint: string; avg_quality_score: number; usage_count: number }[]
    >(
      `SELECT fingerprint, avg_quality_score, usage_count FROM llm_patterns WHERE pattern_type = 'common_error'`,
    );
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      const ids = seen.get(pattern.fingerprint);
      if (ids === undefined) continue; // filed only as a second signature of its rows
      const [exact] = await db.dataSource.query<{ avg: number }[]>(
        `SELECT (sum(quality_score::numeric) / count(*))::double precision AS avg
         FROM llm_generation_history WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      if (pattern.usage_count === ids.length) expect(pattern.avg_quality_score).toBe(exact?.avg);
    }
  });

  test('patterns that no longer meet the thresholds are retired, hand-made patterns are kept', async () => {
    await db.dataSource.query(
      `INSERT INTO llm_patterns (pattern_type, pattern_data, usage_count) VALUES ('common_error', '{"by":"hand"}', 1)`,
    );
    const published = Number(
      (
        await db.dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM llm_patterns WHERE fingerprint IS NOT NULL`,
        )
      )[0]?.n,
    );
    const strict = await run(db.dataSource, { minSupport: 1_000_000 });
    expect(strict).toMatchObject({ status: 'succeeded', rowsRead: 0, retired: published, created: 0 });
    const left = await db.dataSource.query<unknown[]>(`SELECT pattern_data FROM llm_patterns`);
    expect(left).toEqual([{ pattern_data: { by: 'hand' } }]);
    expect((await run(db.dataSource)).created).toBe(published);
  });

  test('only one run at a time: a run finding the lock taken fails with LOCK_HELD', async () => {
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('llm-metrics/pattern-extractor'))`);
      await expect(run(db.dataSource)).rejects.toEqual(
        new ExtractionError('LOCK_HELD', 'another extraction run holds the lock'),
      );
    } finally {
      await holder.query(`SELECT pg_advisory_unlock_all()`);
      await holder.release();
    }
    expect((await run(db.dataSource)).status).toBe('succeeded');
  });

  test('maintenance steps are recorded in the run row', async () => {
    const summary = await run(db.dataSource, { skipMaintenance: false });
    expect(summary.maintenance.map((step) => [step.name, step.ok])).toEqual([
      ['partitions', true],
      ['metrics_rollup', true],
      ['history_rollup', true],
      ['retention', true],
    ]);
    const [row] = await db.dataSource.query<{ maintenance: unknown }[]>(
      `SELECT maintenance FROM llm_extraction_runs WHERE id = $1`,
      [summary.runId],
    );
    expect(row?.maintenance).toEqual(
      summary.maintenance.map((step) => ({ ...step, ms: expect.any(Number), detail: expect.any(String) })),
    );
  });

  test('--since/--until limit a full or dry run to the rows created in [since, until)', async () => {
    const since = new Date('2026-01-01T02:00:00Z');
    const until = new Date('2026-01-01T05:00:00Z');
    const [window] = await db.dataSource.query<{ rows: string }[]>(
      `SELECT count(*) AS rows FROM llm_generation_history WHERE created_at >= $1 AND created_at < $2`,
      [since, until],
    );
    expect(Number(window?.rows)).toBeGreaterThan(0);
    const summary = await run(db.dataSource, { dryRun: true, full: true, since, until, batchSize: 50 });
    expect(summary.rowsRead).toBe(Number(window?.rows));
  });
});
