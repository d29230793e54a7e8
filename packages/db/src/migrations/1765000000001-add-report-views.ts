import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seed's "Create Views" step: convenience views for the common questions, per UTC day. Each reads
 * the hourly rollups plus the metrics rows above their watermark (as `src/reports.ts` does), so it is
 * exact, fresh to the statement, and costs O(buckets) rather than O(rows).
 *   - `llm_cost_analysis`: per day, tier and model: generations, tokens, exact cost, unpriced, latency.
 *   - `llm_quality_trends`: per day, node type and model: flag rates over rows where the flag is known,
 *     plus average quality score and validation pass rate of the day's history rows (through the
 *     metrics row of their correlation_id; history is read raw).
 *   - `llm_latency_percentiles`: per day, tier and model: p50/p95/p99 from the latency histogram,
 *     within 1.9% of `percentile_cont`.
 */
export class AddReportViews1765000000001 implements MigrationInterface {
  name = 'AddReportViews1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // PL/pgSQL plans its query with the watermark's values, so it walks idx_llm_metrics_insert_xid
    // for the few rows above it; a view's subquery would be planned blind and scan the table.
    await queryRunner.query(`
      CREATE FUNCTION llm_metrics_above_watermark() RETURNS SETOF llm_generation_metrics
      LANGUAGE plpgsql STABLE
      AS $$
      DECLARE
        watermark record;
      BEGIN
        SELECT watermark_xid, watermark_id INTO STRICT watermark
        FROM llm_rollup_state WHERE name = 'metrics_hourly';
        RETURN QUERY SELECT * FROM llm_generation_metrics m
          WHERE (m.insert_xid, m.id) > (watermark.watermark_xid, watermark.watermark_id);
      END
      $$
    `);
    await queryRunner.query(`
      CREATE VIEW llm_metrics_hourly_fresh AS
      SELECT r.bucket_start, r.tier, r.model_used, r.node_type, r.service_name, r.generations,
             r.tokens_input, r.tokens_output, r.tokens_total, r.tokens_cached_input, r.tokens_cache_write,
             r.tokens_reasoning, r.cost_usd, r.unpriced, r.latency_ms_sum,
             r.syntax_valid_true, r.syntax_valid_known, r.onex_compliant_true, r.onex_compliant_known,
             r.has_type_hints_true, r.has_type_hints_known, r.truncated_true, r.truncated_known
      FROM llm_metrics_hourly r
      UNION ALL
      SELECT date_bin('1 hour', m.created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), m.tier, m.model_used,
             m.node_type, m.service_name, 1, m.tokens_input, m.tokens_output, m.tokens_total,
             coalesce(m.tokens_cached_input, 0), coalesce(m.tokens_cache_write, 0),
             coalesce(m.tokens_reasoning, 0), coalesce(m.cost_usd, 0), (m.cost_status = 'unpriced')::integer,
             m.latency_ms::numeric,
             (m.syntax_valid IS TRUE)::integer, (m.syntax_valid IS NOT NULL)::integer,
             (m.onex_compliant IS TRUE)::integer, (m.onex_compliant IS NOT NULL)::integer,
             (m.has_type_hints IS TRUE)::integer, (m.has_type_hints IS NOT NULL)::integer,
             m.truncated::integer, 1
      FROM llm_metrics_above_watermark() m
    `);
    await queryRunner.query(`COMMENT ON VIEW llm_metrics_hourly_fresh IS
      'Hourly buckets of every metrics row: the rollup plus the rows written since its last refresh'`);

    await queryRunner.query(`
      CREATE VIEW llm_cost_analysis AS
      SELECT (date_bin('1 day', bucket_start, TIMESTAMPTZ '2000-01-01 00:00:00+00') AT TIME ZONE 'UTC')::date AS day,
             tier, model_used,
             sum(generations) AS generations, sum(tokens_input) AS tokens_input,
             sum(tokens_output) AS tokens_output, sum(tokens_total) AS tokens_total,
             sum(cost_usd) AS total_cost, sum(unpriced) AS unpriced,
             (sum(latency_ms_sum) / sum(generations))::double precision AS avg_latency
      FROM llm_metrics_hourly_fresh
      GROUP BY 1, 2, 3
    `);
    await queryRunner.query(`COMMENT ON VIEW llm_cost_analysis IS
      'Cost per UTC day, tier and model: generations, tokens, exact cost, unpriced count, mean latency'`);

    await queryRunner.query(`
      CREATE VIEW llm_quality_trends AS
      WITH metrics AS (
        SELECT (date_bin('1 day', bucket_start, TIMESTAMPTZ '2000-01-01 00:00:00+00') AT TIME ZONE 'UTC')::date AS day,
               node_type, model_used, sum(generations) AS generations,
               (sum(syntax_valid_true)::numeric / nullif(sum(syntax_valid_known), 0))::double precision
                 AS syntax_valid_rate,
               (sum(onex_compliant_true)::numeric / nullif(sum(onex_compliant_known), 0))::double precision
                 AS onex_compliant_rate,
               (sum(has_type_hints_true)::numeric / nullif(sum(has_type_hints_known), 0))::double precision
                 AS type_hints_rate,
               (sum(truncated_true)::numeric / nullif(sum(truncated_known), 0))::double precision
                 AS truncation_rate
        FROM llm_metrics_hourly_fresh
        GROUP BY 1, 2, 3
      ),
      history AS (
        SELECT (h.created_at AT TIME ZONE 'UTC')::date AS day, h.node_type, m.model_used,
               count(*) AS history_rows, avg(h.quality_score) AS avg_quality_score,
               avg(h.validation_passed::integer)::double precision AS validation_pass_rate
        FROM llm_generation_history h
        LEFT JOIN LATERAL (
          SELECT model_used FROM llm_generation_metrics
          WHERE correlation_id = h.correlation_id ORDER BY created_at LIMIT 1
        ) m ON true
        GROUP BY 1, 2, 3
      )
      SELECT m.day, m.node_type, m.model_used, m.generations, m.syntax_valid_rate, m.onex_compliant_rate,
             m.type_hints_rate, m.truncation_rate, coalesce(h.history_rows, 0) AS history_rows,
             h.avg_quality_score, h.validation_pass_rate
      FROM metrics m
      LEFT JOIN history h ON h.day = m.day AND h.node_type = m.node_type AND h.model_used = m.model_used
    `);
    await queryRunner.query(`COMMENT ON VIEW llm_quality_trends IS
      'Quality per UTC day, node type and model: flag rates, mean quality score, validation pass rate'`);

    await queryRunner.query(`
      CREATE VIEW llm_latency_percentiles AS
      WITH hist AS (
        SELECT bucket_start, tier, model_used, bin, generations FROM llm_metrics_hourly_latency
        UNION ALL
        SELECT m.created_at, m.tier, m.model_used, llm_latency_bin(m.latency_ms), 1
        FROM llm_metrics_above_watermark() m
      ),
      bins AS (
        SELECT (date_bin('1 day', bucket_start, TIMESTAMPTZ '2000-01-01 00:00:00+00') AT TIME ZONE 'UTC')::date AS day,
               tier, model_used, bin, sum(generations) AS generations
        FROM hist
        GROUP BY 1, 2, 3, 4
      ),
      cumulative AS (
        SELECT day, tier, model_used, bin,
               sum(generations) OVER (PARTITION BY day, tier, model_used ORDER BY bin) AS up_to,
               sum(generations) OVER (PARTITION BY day, tier, model_used) AS total
        FROM bins
      ),
      ranks AS (
        SELECT day, tier, model_used, bin, up_to, total, p, p * (total - 1) AS h
        FROM cumulative, (VALUES (0.50), (0.95), (0.99)) AS fractions (p)
      ),
      estimates AS (
        SELECT day, tier, model_used, p, max(total) AS generations,
               llm_latency_bin_value(min(bin) FILTER (WHERE up_to >= floor(h) + 1)) AS low,
               llm_latency_bin_value(min(bin) FILTER (WHERE up_to >= ceil(h) + 1)) AS high,
               (max(h) - floor(max(h)))::double precision AS fraction
        FROM ranks
        GROUP BY 1, 2, 3, 4
      )
      SELECT day, tier, model_used, max(generations) AS generations,
             max(low + fraction * (high - low)) FILTER (WHERE p = 0.50) AS p50_latency_ms,
             max(low + fraction * (high - low)) FILTER (WHERE p = 0.95) AS p95_latency_ms,
             max(low + fraction * (high - low)) FILTER (WHERE p = 0.99) AS p99_latency_ms
      FROM estimates
      GROUP BY 1, 2, 3
    `);
    await queryRunner.query(`COMMENT ON VIEW llm_latency_percentiles IS
      'Latency p50/p95/p99 per UTC day, tier and model, from the histogram: within 1.9% of percentile_cont'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW llm_latency_percentiles`);
    await queryRunner.query(`DROP VIEW llm_quality_trends`);
    await queryRunner.query(`DROP VIEW llm_cost_analysis`);
    await queryRunner.query(`DROP VIEW llm_metrics_hourly_fresh`);
    await queryRunner.query(`DROP FUNCTION llm_metrics_above_watermark()`);
  }
}
