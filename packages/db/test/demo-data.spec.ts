import { describe, expect, test } from '@jest/globals';
import { demoGenerations, seedDemoDataOnce } from '../src/demo-data';
import { getCostReport, getLatencyReport, getQualityReport, getTopQualityGenerations } from '../src/reports';
import { useTestDatabase } from '../src/testing';

const db = useTestDatabase();
const NOW = new Date('2026-03-10T12:00:00Z');
const MONTH = { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW };

describe('demo data', () => {
  test('lands once through the collector: priced by the price versions, history joined', async () => {
    const first = await seedDemoDataOnce(db.dataSource, { now: NOW, generations: 1200 });
    expect(first.generations).toBe(1200);
    expect(first.historyRows).toBe(1200);
    expect(await seedDemoDataOnce(db.dataSource, { now: NOW, generations: 1200 })).toEqual({
      generations: 0,
      historyRows: 0,
    });

    const [counts] = await db.dataSource.query<
      [{ metrics: number; history: number; joined: number; tiers: number; priced: number }]
    >(`SELECT (SELECT count(*)::int FROM llm_generation_metrics) AS metrics,
              (SELECT count(*)::int FROM llm_generation_history) AS history,
              (SELECT count(*)::int FROM llm_generation_history h
                 JOIN llm_generation_metrics m USING (correlation_id)) AS joined,
              (SELECT count(DISTINCT tier)::int FROM llm_generation_metrics) AS tiers,
              (SELECT count(*)::int FROM llm_generation_metrics
                 WHERE cost_status = 'computed' AND price_version_id IS NOT NULL) AS priced`);
    expect(counts).toMatchObject({ metrics: 1200, history: 1200, joined: 1200, tiers: 3 });
    expect(counts.priced).toBeGreaterThan(1100);
  });

  test('every report has something to show over the demo month', async () => {
    const cost = await getCostReport(db.dataSource, { ...MONTH, groupBy: ['tier', 'model_used'] });
    expect(cost.length).toBeGreaterThanOrEqual(3);
    expect(cost.some((row) => row.unpriced > 0)).toBe(true);
    expect(cost.some((row) => Number(row.total_cost) > 0)).toBe(true);
    const byDay = await getCostReport(db.dataSource, { ...MONTH, groupBy: ['day'] });
    expect(byDay.length).toBeGreaterThanOrEqual(30);
    const latency = await getLatencyReport(db.dataSource, { ...MONTH, groupBy: ['tier'] });
    expect(latency.every((row) => row.p99_latency_ms >= row.p50_latency_ms && row.p50_latency_ms > 0)).toBe(
      true,
    );
    const [quality] = await getQualityReport(db.dataSource, MONTH);
    expect(quality?.history_rows).toBe(1200);
    expect(quality?.validation_pass_rate).toBeGreaterThan(0.2);
    expect(quality?.validation_pass_rate).toBeLessThan(0.95);
    expect(await getTopQualityGenerations(db.dataSource)).toHaveLength(10);

    const [feedback] = await db.dataSource.query<[{ repeated: number }]>(
      `SELECT count(*)::int AS repeated FROM (
         SELECT user_feedback FROM llm_generation_history WHERE user_feedback IS NOT NULL
         GROUP BY user_feedback HAVING count(*) > 5) AS complaints`,
    );
    expect(feedback.repeated).toBeGreaterThan(3);
  });

  test('is deterministic for a seed, and spans the month before now', () => {
    const tiers = [{ tier: 'cloud_fast', model_name: 'glm-4.5' }];
    const strip = (rows: ReturnType<typeof demoGenerations>) =>
      rows.map(({ session_id: _session, ...row }) => row);
    const rows = demoGenerations(tiers, { now: NOW, generations: 50, seed: 7 });
    expect(strip(rows)).toEqual(strip(demoGenerations(tiers, { now: NOW, generations: 50, seed: 7 })));
    const times = rows.map((row) => row.created_at!.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(MONTH.from.getTime());
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
    expect(new Set(rows.map((row) => row.prompt_text)).size).toBeGreaterThan(10);
  });
});
