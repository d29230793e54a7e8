import { beforeAll, describe, expect, test } from '@jest/globals';
import { getLatencyReport, type ReportGroupField } from '../src/reports';
import { useTestDatabase } from '../src/testing';
import { CATCH_UP_TIMEOUT_MS, insertRandomMetrics, refreshUntilCaughtUp } from './report-fixtures';
import { seededRandom } from '../src/testing';

const db = useTestDatabase();

const HOUR_MS = 3600_000;
const FROM = new Date(Date.parse('2025-06-01T00:00:00Z'));

beforeAll(async () => {
  const random = seededRandom(99);
  const createdAt = () => new Date(FROM.getTime() + random() * 40 * HOUR_MS);
  await insertRandomMetrics(db.dataSource, 20_000, random, createdAt);
  await refreshUntilCaughtUp(db.dataSource);
  // Some rows above the watermark, so the tail's bins merge with the buckets'.
  await insertRandomMetrics(db.dataSource, 1000, random, createdAt);
}, CATCH_UP_TIMEOUT_MS);

describe('latency percentiles from the histogram', () => {
  test('p50, p95 and p99 are within 2% of percentile_cont, per group and overall', async () => {
    const latency = { from: FROM, to: new Date(FROM.getTime() + 48 * HOUR_MS) };
    for (const groupBy of [[], ['tier']] as ReportGroupField[][]) {
      const report = await getLatencyReport(db.dataSource, { from: latency.from, to: latency.to, groupBy });
      const exact = await db.dataSource.query<Record<string, number | string | null>[]>(
        `SELECT CASE WHEN $3 THEN tier END AS tier, count(*)::integer AS generations,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS c50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS c95,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS c99
         FROM llm_generation_metrics WHERE created_at >= $1 AND created_at < $2
         GROUP BY 1 ORDER BY 1`,
        [latency.from, latency.to, groupBy.includes('tier')],
      );
      expect(report.map((row) => [row.tier, row.generations])).toEqual(
        exact.map((row) => [row.tier, row.generations]),
      );
      report.forEach((row, index) => {
        const reference = exact[index]!;
        for (const [estimate, cont] of [
          [row.p50_latency_ms, reference.c50],
          [row.p95_latency_ms, reference.c95],
          [row.p99_latency_ms, reference.c99],
        ] as const) {
          expect(Math.abs(estimate - Number(cont))).toBeLessThanOrEqual(0.02 * Number(cont));
        }
      });
    }
  });
});
