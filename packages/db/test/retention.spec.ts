import { beforeAll, describe, expect, test } from '@jest/globals';
import { loadRetentionConfig } from '../src/config';
import { getCostReport, getQualityReport } from '../src/reports';
import {
  applyRetention,
  planRetention,
  RETENTION_LOCK_NAME,
  type RetentionReport,
  type RetentionTable,
} from '../src/retention';
import { seededRandom, useTestDatabase } from '../src/testing';
import { readCatalog } from './catalog';
import {
  CATCH_UP_DEADLINE_MS,
  CATCH_UP_TIMEOUT_MS,
  insertRandomHistory,
  insertRandomMetrics,
  refreshHistoryUntilCaughtUp,
  refreshUntilCaughtUp,
} from './report-fixtures';

const db = useTestDatabase();

const DAY_MS = 24 * 3600_000;
const MONTHS = ['2025-05-01', '2025-06-01', '2025-07-01', '2025-08-01', '2025-09-01'];
/** Metrics keep 30 days from NOW: the cutoff is exactly the start of the August partition. */
const NOW = new Date('2025-08-31T00:00:00.000Z');
const METRICS_DAYS = 30;
const METRICS_CUTOFF = new Date('2025-08-01T00:00:00.000Z');
/** History keeps 45 days: the cutoff falls inside the July partition, which must stay. */
const HISTORY_DAYS = 45;
const HISTORY_CUTOFF = new Date('2025-07-17T00:00:00.000Z');
const WINDOWS = { metricsDays: METRICS_DAYS, historyDays: HISTORY_DAYS, now: NOW };
const TABLES = ['llm_generation_metrics', 'llm_generation_history'] as const;

const ms = (date: Date, offset: number) => new Date(date.getTime() + offset);
/** Rows one millisecond before, at and after each cutoff and partition edge. */
const EDGES = [
  METRICS_CUTOFF,
  HISTORY_CUTOFF,
  new Date('2025-07-01T00:00:00Z'),
  new Date('2025-06-01T00:00:00Z'),
].flatMap((edge) => [ms(edge, -1), edge, ms(edge, 1)]);

async function rowsByPartition(table: RetentionTable): Promise<Record<string, number>> {
  const rows = await db.dataSource.query<{ partition: string; rows: number }[]>(
    `SELECT tableoid::regclass::text AS partition, count(*)::integer AS rows FROM ${table} GROUP BY 1`,
  );
  return Object.fromEntries(rows.map(({ partition, rows: count }) => [partition, count]));
}

/** Ids and instants of every row at or after `cutoff`: none of them may go. */
async function rowsFrom(table: RetentionTable, cutoff: Date): Promise<string[]> {
  const rows = await db.dataSource.query<{ row: string }[]>(
    `SELECT id || ' ' || created_at AS row FROM ${table} WHERE created_at >= $1 ORDER BY 1`,
    [cutoff],
  );
  return rows.map(({ row }) => row);
}

const rollups = () =>
  db.dataSource.query<unknown[]>(
    `SELECT (SELECT json_agg(h ORDER BY bucket_start, tier, model_used, node_type, service_name)
             FROM llm_metrics_hourly h) AS hourly,
            (SELECT json_agg(h ORDER BY bucket_start, node_type) FROM llm_history_hourly h) AS history,
            (SELECT json_agg(s ORDER BY name) FROM llm_rollup_state s) AS state`,
  );

const actions = (report: RetentionReport, table: RetentionTable) =>
  Object.fromEntries(
    report.tables.find((entry) => entry.table === table)!.partitions.map((p) => [p.partition, p.action]),
  );

/** Reports over the months retention drops, grouped so that every rollup path is read. */
const oldReports = async () => ({
  cost: await getCostReport(db.dataSource, {
    from: new Date('2025-05-01T00:00:00Z'),
    to: METRICS_CUTOFF,
    groupBy: ['tier', 'model_used', 'day'],
  }),
  quality: await getQualityReport(db.dataSource, {
    from: new Date('2025-05-01T00:00:00Z'),
    to: new Date('2025-07-01T00:00:00Z'),
    groupBy: ['node_type', 'day'],
  }),
});

beforeAll(async () => {
  for (const table of TABLES) {
    for (const month of MONTHS) {
      await db.dataSource.query(`SELECT llm_create_month_partition($1, $2)`, [table, month]);
    }
  }
  const random = seededRandom(6);
  // April has no partition: its rows are in the DEFAULT partition, older than both cutoffs.
  const spread = () => new Date(Date.parse('2025-04-20T00:00:00Z') + random() * 140 * DAY_MS);
  await insertRandomMetrics(db.dataSource, 1500, random, spread);
  await insertRandomMetrics(db.dataSource, EDGES.length, random, (index) => EDGES[index]!);
  await insertRandomHistory(db.dataSource, 1000, random, spread);
  await insertRandomHistory(db.dataSource, EDGES.length, random, (index) => EDGES[index]!);
  await refreshUntilCaughtUp(db.dataSource);
  await refreshHistoryUntilCaughtUp(db.dataSource);
}, CATCH_UP_TIMEOUT_MS);

describe('retention', () => {
  test('the dry run lists what would go and changes nothing', async () => {
    const catalog = await readCatalog(db.dataSource);
    const counts = [await rowsByPartition(TABLES[0]), await rowsByPartition(TABLES[1])];
    const rolledUp = await rollups();

    const plan = await planRetention(db.dataSource, WINDOWS);

    expect(plan.applied).toBe(false);
    expect(actions(plan, 'llm_generation_metrics')).toMatchObject({
      llm_generation_metrics_p2025_05: 'drop',
      llm_generation_metrics_p2025_06: 'drop',
      llm_generation_metrics_p2025_07: 'drop',
      llm_generation_metrics_p2025_08: 'keep',
      llm_generation_metrics_p2025_09: 'keep',
      llm_generation_metrics_default: 'keep',
    });
    expect(actions(plan, 'llm_generation_history')).toMatchObject({
      llm_generation_history_p2025_05: 'drop',
      llm_generation_history_p2025_06: 'drop',
      llm_generation_history_p2025_07: 'keep',
      llm_generation_history_default: 'keep',
    });
    const metrics = plan.tables[0]!;
    expect(metrics.cutoff).toEqual(METRICS_CUTOFF);
    for (const partition of metrics.partitions) {
      expect(partition.rows).toBe(counts[0]![partition.partition] ?? 0);
      expect(partition.bytes).toBeGreaterThan(0);
    }
    const [{ april }] = await db.dataSource.query<[{ april: number }]>(
      `SELECT count(*)::integer AS april FROM llm_generation_metrics_default WHERE created_at < $1`,
      [METRICS_CUTOFF],
    );
    expect(april).toBeGreaterThan(0);
    expect(metrics.defaultRowsBeforeCutoff).toBe(april);

    expect(await readCatalog(db.dataSource)).toEqual(catalog);
    expect([await rowsByPartition(TABLES[0]), await rowsByPartition(TABLES[1])]).toEqual(counts);
    expect(await rollups()).toEqual(rolledUp);
  });

  test('without windows nothing would go', async () => {
    const plan = await planRetention(db.dataSource, { now: NOW });
    expect(plan.tables.flatMap((table) => table.partitions).every((p) => p.action === 'keep')).toBe(true);
    expect(plan.tables.map((table) => table.cutoff)).toEqual([null, null]);
  });

  test(
    '--apply drops whole old partitions only, never a row at or after the cutoff; old reports stay',
    async () => {
      const reportsBefore = await oldReports();
      const keptMetrics = await rowsFrom('llm_generation_metrics', METRICS_CUTOFF);
      const keptHistory = await rowsFrom('llm_generation_history', HISTORY_CUTOFF);
      expect(keptMetrics.length).toBeGreaterThan(100);
      const rolledUp = await rollups();

      const report = await applyRetention(db.dataSource, WINDOWS);

      expect(report.applied).toBe(true);
      expect(actions(report, 'llm_generation_metrics')).toMatchObject({
        llm_generation_metrics_p2025_05: 'dropped',
        llm_generation_metrics_p2025_06: 'dropped',
        llm_generation_metrics_p2025_07: 'dropped',
        llm_generation_metrics_p2025_08: 'keep',
        llm_generation_metrics_default: 'keep',
      });
      expect(actions(report, 'llm_generation_history')).toMatchObject({
        llm_generation_history_p2025_06: 'dropped',
        llm_generation_history_p2025_07: 'keep',
      });
      const remaining = await rowsByPartition('llm_generation_metrics');
      expect(Object.keys(remaining)).not.toContain('llm_generation_metrics_p2025_07');
      expect(remaining.llm_generation_metrics_default).toBeGreaterThan(0);
      expect(await rowsFrom('llm_generation_metrics', METRICS_CUTOFF)).toEqual(keptMetrics);
      expect(await rowsFrom('llm_generation_history', HISTORY_CUTOFF)).toEqual(keptHistory);
      // The July history partition stays whole, rows before the cutoff included.
      const [{ before }] = await db.dataSource.query<[{ before: number }]>(
        `SELECT count(*)::integer AS before FROM llm_generation_history_p2025_07 WHERE created_at < $1`,
        [HISTORY_CUTOFF],
      );
      expect(before).toBeGreaterThan(0);

      // Buckets are never deleted, so the dropped months report what they did before.
      expect(await rollups()).toEqual(rolledUp);
      expect(await oldReports()).toEqual(reportsBefore);
      expect(reportsBefore.cost.length).toBeGreaterThan(50);
      expect(reportsBefore.quality.some((row) => row.history_rows > 0)).toBe(true);

      const again = await applyRetention(db.dataSource, WINDOWS);
      expect(again.tables.flatMap((t) => t.partitions).filter((p) => p.action !== 'keep')).toEqual([]);
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test(
    'a partition with a row the rollup has not folded is kept, and dropped by a later run',
    async () => {
      const later = { metricsDays: 30, now: new Date('2025-10-15T00:00:00Z') };
      const slow = db.dataSource.createQueryRunner();
      await slow.connect();
      try {
        await slow.startTransaction();
        // A transaction older than the late row, still running: the rollup cannot fold the row yet.
        await slow.query(`SELECT pg_current_xact_id()`);
        await insertRandomMetrics(db.dataSource, 1, seededRandom(1), () => new Date('2025-08-10T00:00:00Z'));
        const report = await applyRetention(db.dataSource, later);
        const august = report.tables[0]!.partitions.find(
          (p) => p.partition === 'llm_generation_metrics_p2025_08',
        );
        expect(august).toMatchObject({ action: 'skipped', unfoldedRows: 1 });
        expect(august?.reason).toMatch(/not folded into the rollup/);
        expect(
          (await rowsByPartition('llm_generation_metrics')).llm_generation_metrics_p2025_08,
        ).toBeGreaterThan(0);
        await slow.commitTransaction();
      } finally {
        await slow.release();
      }
      // Other sessions on the server may hold the watermark back a little longer.
      const deadline = Date.now() + CATCH_UP_DEADLINE_MS;
      let action: string | undefined;
      while (action !== 'dropped' && Date.now() < deadline) {
        const report = await applyRetention(db.dataSource, later);
        action = report.tables[0]!.partitions.find(
          (p) => p.partition === 'llm_generation_metrics_p2025_08',
        )?.action;
        if (action !== 'dropped') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(action).toBe('dropped');
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test('a table other sessions keep locked is skipped after the lock timeout, and dropped later', async () => {
    const later = { historyDays: 45, now: new Date('2025-10-15T00:00:00Z') };
    const july = (report: RetentionReport) =>
      report.tables[1]!.partitions.find((p) => p.partition === 'llm_generation_history_p2025_07');
    const reader = db.dataSource.createQueryRunner();
    await reader.connect();
    try {
      await reader.startTransaction();
      await reader.query(`LOCK TABLE llm_generation_history IN ACCESS SHARE MODE`);
      const report = await applyRetention(db.dataSource, later);
      expect(july(report)).toMatchObject({
        action: 'skipped',
        reason: expect.stringMatching(/stayed locked/),
      });
      await reader.commitTransaction();
    } finally {
      await reader.release();
    }
    expect(july(await applyRetention(db.dataSource, later))).toMatchObject({ action: 'dropped' });
  });

  test('two runs cannot interleave: a held lock makes apply fail with RETENTION_LOCKED', async () => {
    const other = db.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [RETENTION_LOCK_NAME]);
      await expect(applyRetention(db.dataSource, WINDOWS)).rejects.toMatchObject({
        code: 'RETENTION_LOCKED',
      });
      // The dry run takes no lock.
      await expect(planRetention(db.dataSource, WINDOWS)).resolves.toMatchObject({ applied: false });
      await other.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [RETENTION_LOCK_NAME]);
    } finally {
      await other.release();
    }
    await expect(applyRetention(db.dataSource, WINDOWS)).resolves.toMatchObject({ applied: true });
  });

  test.each([
    ['metricsDays', { metricsDays: 0 }],
    ['metricsDays', { metricsDays: -3 }],
    ['historyDays', { historyDays: 1.5 }],
    ['historyDays', { historyDays: Number.NaN }],
    ['now', { metricsDays: 3, now: new Date('not a date') }],
  ])('rejects a bad %s', async (field, options) => {
    for (const run of [planRetention, applyRetention]) {
      await expect(run(db.dataSource, options)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
  });
});

describe('loadRetentionConfig', () => {
  test('unset (or empty) windows keep everything forever', () => {
    expect(loadRetentionConfig({})).toEqual({ metricsDays: null, historyDays: null });
    expect(loadRetentionConfig({ RETENTION_METRICS_DAYS: '' })).toEqual({
      metricsDays: null,
      historyDays: null,
    });
    expect(loadRetentionConfig({ RETENTION_METRICS_DAYS: '90', RETENTION_HISTORY_DAYS: '30' })).toEqual({
      metricsDays: 90,
      historyDays: 30,
    });
  });

  test.each([
    ['RETENTION_METRICS_DAYS', '0'],
    ['RETENTION_METRICS_DAYS', 'ninety'],
    ['RETENTION_HISTORY_DAYS', '1.5'],
    ['RETENTION_HISTORY_DAYS', '-7'],
    ['RETENTION_HISTORY_DAYS', '100000'],
  ])('rejects %s=%s, naming the variable', (name, value) => {
    expect(() => loadRetentionConfig({ [name]: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(name) }),
    );
  });
});
