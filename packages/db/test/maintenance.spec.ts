import { beforeAll, describe, expect, test } from '@jest/globals';
import { MAINTENANCE_STEPS, runMaintenance } from '../src/maintenance';
import { RETENTION_LOCK_NAME } from '../src/retention';
import { seededRandom, useTestDatabase } from '../src/testing';
import {
  CATCH_UP_TIMEOUT_MS,
  insertRandomHistory,
  insertRandomMetrics,
  refreshHistoryUntilCaughtUp,
  refreshUntilCaughtUp,
} from './report-fixtures';

const db = useTestDatabase();

const NOW = new Date('2025-09-10T00:00:00Z');
const WINDOWS = { metricsDays: 60, historyDays: 60 };

beforeAll(async () => {
  for (const table of ['llm_generation_metrics', 'llm_generation_history']) {
    await db.dataSource.query(`SELECT llm_create_month_partition($1, '2025-05-01')`, [table]);
  }
  const random = seededRandom(3);
  const may = () => new Date(Date.parse('2025-05-01T00:00:00Z') + random() * 30 * 24 * 3600_000);
  await insertRandomMetrics(db.dataSource, 200, random, may);
  await insertRandomHistory(db.dataSource, 100, random, may);
}, CATCH_UP_TIMEOUT_MS);

describe('runMaintenance', () => {
  test('without windows: partitions ahead and both rollups, retention skipped', async () => {
    const steps = await runMaintenance(db.dataSource, { partitionsAhead: 5, now: NOW });
    expect(steps.map((step) => step.name)).toEqual([...MAINTENANCE_STEPS]);
    expect(steps.every((step) => step.ok && step.error === undefined && step.ms >= 0)).toBe(true);
    // The migration made this month and 3 ahead; months 4 and 5 ahead, for both tables.
    expect(steps[0]).toMatchObject({ name: 'partitions', counts: { created: 4 } });
    expect(steps[1]?.counts).toEqual({ rowsFolded: expect.any(Number), batches: expect.any(Number) });
    expect(steps[3]).toMatchObject({ name: 'retention', detail: 'skipped: no retention window configured' });
  });

  test(
    'with windows it drops the old partitions once the rollups hold them',
    async () => {
      await refreshUntilCaughtUp(db.dataSource);
      await refreshHistoryUntilCaughtUp(db.dataSource);
      const steps = await runMaintenance(db.dataSource, { retention: WINDOWS, now: NOW, batchSize: 70 });
      expect(steps.every((step) => step.ok)).toBe(true);
      expect(steps[3]).toMatchObject({
        name: 'retention',
        // 200 metrics rows, and 100 history rows with a metrics row each.
        counts: { partitionsDropped: 2, rowsDropped: 400, partitionsSkipped: 0, defaultRowsBeforeCutoff: 0 },
      });
      const [{ left }] = await db.dataSource.query<[{ left: number }]>(
        `SELECT count(*)::integer AS left FROM pg_class WHERE relname LIKE 'llm\\_generation\\_%\\_p2025\\_05'`,
      );
      expect(left).toBe(0);
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test('a failing step is reported and the next ones still run', async () => {
    const other = db.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [RETENTION_LOCK_NAME]);
      const steps = await runMaintenance(db.dataSource, {
        partitionsAhead: -1,
        retention: WINDOWS,
        now: NOW,
      });
      expect(steps.map(({ name, ok }) => [name, ok])).toEqual([
        ['partitions', false],
        ['metrics_rollup', true],
        ['history_rollup', true],
        ['retention', false],
      ]);
      expect(steps[0]?.error).toMatch(/months must be a non-negative integer/);
      expect(steps[3]).toMatchObject({ counts: {}, error: expect.stringMatching(/another retention run/) });
    } finally {
      await other.release();
    }
  });
});
