/**
 * The statements behind `src/reports.ts` (its doc comment explains the three disjoint parts every
 * answer is made of). Constant text: group-by fields and ranges reach them as bound parameters.
 * Each has a name, under which it is prepared once per connection (its parse costs about as much
 * as its execution).
 */
import { HISTORY_ROLLUP_NAME, ROLLUP_NAME } from './rollups';
import { SNAPSHOT_XMAX_SQL } from './write-horizon';

/** A report statement and the name it is prepared under. */
export interface ReportStatement {
  readonly name: string;
  readonly text: string;
}

/** Hours are UTC hours whatever the session's time zone: `date_bin` from a UTC origin. */
const ORIGIN = `TIMESTAMPTZ '2000-01-01 00:00:00+00'`;

/**
 * The rows of `alias` above the watermark in parameters `$xid`/`$id`, for a generic plan (see
 * RANGE_CTES): the exact `(insert_xid, id)` comparison, which the planner cannot estimate, inside
 * `insert_xid` bounded on both sides, by the watermark and by the snapshot's xmax (a no-op for the rows).
 */
function aboveWatermark(alias: string, xid: number, id: number): string {
  return `${alias}.insert_xid >= $${xid}::bigint AND ${alias}.insert_xid < ${SNAPSHOT_XMAX_SQL}
      AND (${alias}.insert_xid, ${alias}.id) > ($${xid}::bigint, $${id}::uuid)`;
}

/**
 * `$1` from, `$2` to, `$3`/`$4` the whole UTC hours inside them, `$5` the end of the leading partial
 * hour, `$6` the start of the trailing one (see `rangeParameters`), `$7`… one boolean per
 * REPORT_GROUP_FIELDS entry, `$12`/`$13` the watermark.
 * `tail` is every row above the watermark (few: those since the last refresh, found through
 * idx_llm_metrics_insert_xid); `raw` is every raw row the buckets do not cover.
 *
 * The statements run with generic plans (planned once per connection, see `runPrepared`), so the
 * planner estimates every bound without its value: a range bounded on both sides as narrow, one
 * bounded on one side as a third of the table, which would scan a large partition whole (120 ms
 * instead of 3 ms on 300k rows). So the tails bound `insert_xid` on both sides (`aboveWatermark`).
 */
const RANGE_CTES = `
  tail AS MATERIALIZED (
    SELECT m.* FROM llm_generation_metrics m
    WHERE ${aboveWatermark('m', 12, 13)}
  ),
  raw AS (
    SELECT m.* FROM llm_generation_metrics m WHERE m.created_at >= $1 AND m.created_at < $5
    UNION ALL
    SELECT m.* FROM llm_generation_metrics m WHERE m.created_at >= $6 AND m.created_at < $2
    UNION ALL
    SELECT t.* FROM tail t WHERE t.created_at >= $3 AND t.created_at < $4
  )`;

/**
 * Whether the watermark parameters are the rollups' watermarks in the statement's own snapshot: the
 * caller may pass the ones it saw last, and must run the report again when this says false (a
 * refresh moved them, and rows above the old watermark may be in the buckets already).
 */
const AT_METRICS_WATERMARK = `(SELECT watermark_xid = $12::bigint AND watermark_id = $13::uuid
  FROM llm_rollup_state WHERE name = '${ROLLUP_NAME}')`;
const AT_BOTH_WATERMARKS = `${AT_METRICS_WATERMARK} AND (SELECT watermark_xid = $18::bigint AND
  watermark_id = $19::uuid FROM llm_rollup_state WHERE name = '${HISTORY_ROLLUP_NAME}')`;

/** The grouping keys of a row of `facts`/`hist` (columns `at`, `tier`, …). */
const GROUP_KEYS = `
  CASE WHEN $7 THEN tier END AS tier,
  CASE WHEN $8 THEN model_used END AS model_used,
  CASE WHEN $9 THEN node_type END AS node_type,
  CASE WHEN $10 THEN service_name END AS service_name,
  CASE WHEN $11 THEN to_char(date_bin('1 day', at, ${ORIGIN}) AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS day`;

const BUCKET_COLUMNS = `r.bucket_start AS at, r.tier, r.model_used, r.node_type, r.service_name,
  r.generations, r.tokens_input, r.tokens_output, r.tokens_total, r.tokens_cached_input, r.tokens_cache_write,
  r.tokens_reasoning, r.cost_usd, r.unpriced, r.latency_ms_sum,
  r.syntax_valid_true, r.syntax_valid_known, r.onex_compliant_true, r.onex_compliant_known,
  r.has_type_hints_true, r.has_type_hints_known, r.truncated_true, r.truncated_known`;

/**
 * Rows of the cost and quality reports: daily buckets for the whole UTC days (`$14`…`$15`), hourly
 * buckets for the other whole hours (`$3`…`$16`, `$17`…`$4`), and `raw`.
 */
const FACTS_CTE = `
  facts AS (
    SELECT ${BUCKET_COLUMNS}
    FROM llm_metrics_daily r
    WHERE r.bucket_start >= $14 AND r.bucket_start < $15
    UNION ALL
    SELECT ${BUCKET_COLUMNS} FROM llm_metrics_hourly r WHERE r.bucket_start >= $3 AND r.bucket_start < $16
    UNION ALL
    SELECT ${BUCKET_COLUMNS} FROM llm_metrics_hourly r WHERE r.bucket_start >= $17 AND r.bucket_start < $4
    UNION ALL
    SELECT created_at, tier, model_used, node_type, service_name, 1,
           tokens_input, tokens_output, tokens_total, coalesce(tokens_cached_input, 0),
           coalesce(tokens_cache_write, 0), coalesce(tokens_reasoning, 0), coalesce(cost_usd, 0),
           (cost_status = 'unpriced')::integer, latency_ms::numeric,
           (syntax_valid IS TRUE)::integer, (syntax_valid IS NOT NULL)::integer,
           (onex_compliant IS TRUE)::integer, (onex_compliant IS NOT NULL)::integer,
           (has_type_hints IS TRUE)::integer, (has_type_hints IS NOT NULL)::integer,
           truncated::integer, 1
    FROM raw
  )`;

export const COST_REPORT: ReportStatement = {
  name: 'llm_report_cost_v1',
  text: `
  WITH ${RANGE_CTES}, ${FACTS_CTE}
  SELECT ${GROUP_KEYS},
         sum(generations) AS generations, sum(tokens_input) AS tokens_input,
         sum(tokens_output) AS tokens_output, sum(tokens_total) AS tokens_total,
         sum(tokens_cached_input) AS tokens_cached_input, sum(tokens_cache_write) AS tokens_cache_write,
         sum(tokens_reasoning) AS tokens_reasoning, sum(cost_usd) AS total_cost,
         sum(unpriced) AS unpriced, (sum(latency_ms_sum) / sum(generations))::double precision AS avg_latency,
         ${AT_METRICS_WATERMARK} AS at_watermarks
  FROM facts
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY total_cost DESC, 1, 2, 3, 4, 5`,
};

/**
 * History rows of `[from, to)` from the history rollup, with the same three disjoint parts as `facts`:
 * hourly buckets of the whole hours (`$3`…`$4`), raw rows above the history watermark (`$18`/`$19`)
 * in those hours, and every raw row of the partial hours at the ends. Keys other than `node_type` are
 * null: the report is grouped by `node_type` and/or `day` only on this path.
 */
const HISTORY_FROM_ROLLUP_CTES = `
  history_tail AS MATERIALIZED (
    SELECT h.created_at, h.node_type, h.quality_score, h.validation_passed FROM llm_generation_history h
    WHERE ${aboveWatermark('h', 18, 19)}
  ),
  history_raw AS (
    SELECT h.created_at, h.node_type, h.quality_score, h.validation_passed FROM llm_generation_history h
    WHERE h.created_at >= $1 AND h.created_at < $5
    UNION ALL
    SELECT h.created_at, h.node_type, h.quality_score, h.validation_passed FROM llm_generation_history h
    WHERE h.created_at >= $6 AND h.created_at < $2
    UNION ALL
    SELECT t.* FROM history_tail t WHERE t.created_at >= $3 AND t.created_at < $4
  ),
  history AS (
    SELECT r.bucket_start AS at, NULL::varchar AS tier, NULL::varchar AS model_used, r.node_type,
           NULL::varchar AS service_name, r.history_rows, r.quality_score_sum, r.quality_score_count,
           r.validation_passed_count
    FROM llm_history_hourly r
    WHERE r.bucket_start >= $3 AND r.bucket_start < $4
    UNION ALL
    SELECT created_at, NULL, NULL, node_type, NULL, 1, quality_score::numeric, 1, validation_passed::integer
    FROM history_raw
  )`;

/** History rows of `[from, to)`, each attributed to the metrics row of its correlation_id (raw). */
const HISTORY_THROUGH_METRICS_CTES = `
  history AS (
    SELECT h.created_at AS at, m.tier, m.model_used, h.node_type, m.service_name, 1 AS history_rows,
           h.quality_score::numeric AS quality_score_sum, 1 AS quality_score_count,
           h.validation_passed::integer AS validation_passed_count
    FROM llm_generation_history h
    LEFT JOIN LATERAL (
      SELECT tier, model_used, service_name FROM llm_generation_metrics
      WHERE correlation_id = h.correlation_id ORDER BY created_at LIMIT 1
    ) m ON true
    WHERE h.created_at >= $1 AND h.created_at < $2
  )`;

/** The quality report with its history rows from `historyCtes` (a CTE `history` of summable rows). */
function qualitySql(historyCtes: string, atWatermarks: string): string {
  return `
  WITH ${RANGE_CTES}, ${FACTS_CTE},
  metrics AS (
    SELECT ${GROUP_KEYS},
           sum(generations) AS generations,
           sum(syntax_valid_true)::numeric / nullif(sum(syntax_valid_known), 0) AS syntax_valid_rate,
           sum(onex_compliant_true)::numeric / nullif(sum(onex_compliant_known), 0) AS onex_compliant_rate,
           sum(has_type_hints_true)::numeric / nullif(sum(has_type_hints_known), 0) AS type_hints_rate,
           sum(truncated_true)::numeric / nullif(sum(truncated_known), 0) AS truncation_rate
    FROM facts
    GROUP BY 1, 2, 3, 4, 5
  ),
  ${historyCtes},
  history_groups AS (
    SELECT ${GROUP_KEYS},
           sum(history_rows) AS history_rows,
           sum(quality_score_sum) / nullif(sum(quality_score_count), 0) AS avg_quality_score,
           sum(validation_passed_count)::numeric / nullif(sum(history_rows), 0) AS validation_pass_rate
    FROM history
    GROUP BY 1, 2, 3, 4, 5
  )
  SELECT m.tier, m.model_used, m.node_type, m.service_name, m.day, m.generations,
         m.syntax_valid_rate::double precision, m.onex_compliant_rate::double precision,
         m.type_hints_rate::double precision, m.truncation_rate::double precision,
         coalesce(h.history_rows, 0) AS history_rows, h.avg_quality_score::double precision,
         h.validation_pass_rate::double precision, ${atWatermarks} AS at_watermarks
  FROM metrics m
  LEFT JOIN history_groups h
    ON  h.tier IS NOT DISTINCT FROM m.tier AND h.model_used IS NOT DISTINCT FROM m.model_used
    AND h.node_type IS NOT DISTINCT FROM m.node_type AND h.service_name IS NOT DISTINCT FROM m.service_name
    AND h.day IS NOT DISTINCT FROM m.day
  ORDER BY 1, 2, 3, 4, 5`;
}

/** Grouped by `node_type` and/or `day` only: history from its rollup (`$18`/`$19` its watermark). */
export const QUALITY_REPORT: ReportStatement = {
  name: 'llm_report_quality_v1',
  text: qualitySql(HISTORY_FROM_ROLLUP_CTES, AT_BOTH_WATERMARKS),
};
/** Grouped by tier, model or service: history through the metrics rows, raw. */
export const QUALITY_BY_METRICS_GROUP_REPORT: ReportStatement = {
  name: 'llm_report_quality_by_metrics_v1',
  text: qualitySql(HISTORY_THROUGH_METRICS_CTES, AT_METRICS_WATERMARK),
};

/**
 * `percentile_cont(p)` interpolates between the values of 1-based ranks floor(h) + 1 and
 * ceil(h) + 1, h = p × (n - 1). Each is estimated by its bin's value (within 1.9% of it) and
 * interpolated the same way, so the estimate is within 1.9% of `percentile_cont` too.
 */
function percentileColumn(fraction: '0.50' | '0.95' | '0.99', name: string): string {
  const h = `(${fraction} * (total - 1))`;
  const binAt = (rank: string) => `llm_latency_bin_value(min(bin) FILTER (WHERE up_to >= ${rank}))`;
  return `${binAt(`floor(${h}) + 1`)} + (max(${h}) - floor(max(${h})))::double precision
      * (${binAt(`ceil(${h}) + 1`)} - ${binAt(`floor(${h}) + 1`)}) AS ${name}`;
}

export const LATENCY_REPORT: ReportStatement = {
  name: 'llm_report_latency_v1',
  text: `
  WITH ${RANGE_CTES},
  hist AS (
    SELECT r.bucket_start AS at, r.tier, r.model_used, r.node_type, r.service_name, r.bin, r.generations
    FROM llm_metrics_hourly_latency r
    WHERE r.bucket_start >= $3 AND r.bucket_start < $4
    UNION ALL
    SELECT created_at, tier, model_used, node_type, service_name, llm_latency_bin(latency_ms), 1
    FROM raw
  ),
  bins AS (
    SELECT ${GROUP_KEYS}, bin, sum(generations) AS generations
    FROM hist
    GROUP BY 1, 2, 3, 4, 5, 6
  ),
  cumulative AS (
    SELECT tier, model_used, node_type, service_name, day, bin,
           sum(generations) OVER (PARTITION BY tier, model_used, node_type, service_name, day ORDER BY bin)
             AS up_to,
           sum(generations) OVER (PARTITION BY tier, model_used, node_type, service_name, day) AS total
    FROM bins
  )
  SELECT tier, model_used, node_type, service_name, day, max(total) AS generations,
         ${percentileColumn('0.50', 'p50_latency_ms')},
         ${percentileColumn('0.95', 'p95_latency_ms')},
         ${percentileColumn('0.99', 'p99_latency_ms')},
         ${AT_METRICS_WATERMARK} AS at_watermarks
  FROM cumulative
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5`,
};
