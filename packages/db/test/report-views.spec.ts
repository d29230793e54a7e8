import { beforeAll, describe, expect, test } from '@jest/globals';
import { useTestDatabase } from '../src/testing';
import { CATCH_UP_TIMEOUT_MS, insertRandomMetrics, refreshUntilCaughtUp } from './report-fixtures';
import { seededRandom } from '../src/testing';

const db = useTestDatabase();

const START = Date.parse('2026-03-01T00:00:00Z');
const HOUR_MS = 3600_000;

beforeAll(async () => {
  const random = seededRandom(7);
  const createdAt = () => new Date(START + random() * 60 * HOUR_MS);
  await insertRandomMetrics(db.dataSource, 6000, random, createdAt);
  await refreshUntilCaughtUp(db.dataSource);
  // Rows above the watermark, some of them late for days already rolled up.
  await insertRandomMetrics(db.dataSource, 500, random, createdAt);
}, CATCH_UP_TIMEOUT_MS);

describe('analytics views', () => {
  test('llm_cost_analysis equals the raw GROUP BY per day, tier and model', async () => {
    const view = await db.dataSource.query<unknown[]>(
      `SELECT day::text, tier, model_used, generations::integer, tokens_input::text, tokens_output::text,
              tokens_total::text, total_cost::numeric(30,12)::text AS total_cost, unpriced::integer, avg_latency
       FROM llm_cost_analysis ORDER BY 1, 2, 3`,
    );
    const raw = await db.dataSource.query<unknown[]>(
      `SELECT (created_at AT TIME ZONE 'UTC')::date::text AS day, tier, model_used, count(*)::integer AS generations,
              sum(tokens_input)::text AS tokens_input, sum(tokens_output)::text AS tokens_output,
              sum(tokens_total)::text AS tokens_total, coalesce(sum(cost_usd), 0)::numeric(30,12)::text AS total_cost,
              count(*) FILTER (WHERE cost_status = 'unpriced')::integer AS unpriced,
              (sum(latency_ms::numeric) / count(*))::double precision AS avg_latency
       FROM llm_generation_metrics GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    expect(view.length).toBeGreaterThan(10);
    expect(view).toEqual(raw);
  });

  test('llm_quality_trends equals the raw rates per day, node type and model', async () => {
    const view = await db.dataSource.query<unknown[]>(
      `SELECT day::text, node_type, model_used, generations::integer, syntax_valid_rate, onex_compliant_rate,
              type_hints_rate, truncation_rate
       FROM llm_quality_trends ORDER BY 1, 2, 3`,
    );
    const raw = await db.dataSource.query<unknown[]>(
      `SELECT (created_at AT TIME ZONE 'UTC')::date::text AS day, node_type, model_used,
              count(*)::integer AS generations,
              (count(*) FILTER (WHERE syntax_valid)::numeric / nullif(count(syntax_valid), 0))::double precision
                AS syntax_valid_rate,
              (count(*) FILTER (WHERE onex_compliant)::numeric / nullif(count(onex_compliant), 0))::double precision
                AS onex_compliant_rate,
              (count(*) FILTER (WHERE has_type_hints)::numeric / nullif(count(has_type_hints), 0))::double precision
                AS type_hints_rate,
              (count(*) FILTER (WHERE truncated)::numeric / count(*))::double precision AS truncation_rate
       FROM llm_generation_metrics GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    expect(view).toEqual(raw);
  });

  test('llm_latency_percentiles is within 2% of percentile_cont per day, tier and model', async () => {
    const rows = await db.dataSource.query<Record<string, string | number>[]>(
      `SELECT v.day::text, v.tier, v.model_used, v.generations::integer AS generations, r.generations AS exact_generations,
              v.p50_latency_ms, v.p95_latency_ms, v.p99_latency_ms, r.c50, r.c95, r.c99
       FROM llm_latency_percentiles v
       FULL JOIN (
         SELECT (created_at AT TIME ZONE 'UTC')::date AS day, tier, model_used, count(*)::integer AS generations,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS c50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS c95,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS c99
         FROM llm_generation_metrics GROUP BY 1, 2, 3
       ) r USING (day, tier, model_used)`,
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.generations).toBe(row.exact_generations);
      for (const [estimate, exact] of [
        [row.p50_latency_ms, row.c50],
        [row.p95_latency_ms, row.c95],
        [row.p99_latency_ms, row.c99],
      ]) {
        expect(Math.abs(Number(estimate) - Number(exact))).toBeLessThanOrEqual(0.02 * Number(exact));
      }
    }
  });
});
