import type { DataSource } from 'typeorm';
import type { ReportGroupField } from '../src/reports';
import {
  getRollupWatermark,
  HISTORY_ROLLUP_NAME,
  refreshHistoryRollups,
  refreshRollups,
  ROLLUP_NAME,
} from '../src/rollups';

const TIERS = ['local', 'cloud_fast', 'cloud_premium'];
const MODELS = ['glm-4.5', 'gpt-x', 'llama'];
const NODE_TYPES = ['effect', 'compute', 'reducer'];
const SERVICES = ['PostgresService', 'KafkaService'];

/**
 * Inserts `count` metrics rows with random groups, tokens, costs (some unpriced), flags (some null)
 * and latencies, created at `createdAt(i)`, in one statement (one transaction).
 */
export async function insertRandomMetrics(
  dataSource: DataSource,
  count: number,
  random: () => number,
  createdAt: (index: number) => Date,
): Promise<void> {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const flag = (): boolean | null => (random() < 0.2 ? null : random() < 0.7);
  const rows = Array.from({ length: count }, (_, index) => {
    const unpriced = random() < 0.15;
    const input = Math.floor(random() * 5000);
    const output = Math.floor(random() * 2000);
    return {
      tier: pick(TIERS),
      model_used: pick(MODELS),
      node_type: pick(NODE_TYPES),
      service_name: pick(SERVICES),
      tokens_input: input,
      tokens_output: output,
      tokens_total: input + output,
      tokens_cached_input: random() < 0.5 ? null : Math.floor(input / 3),
      tokens_reasoning: random() < 0.5 ? null : Math.floor(output / 4),
      latency_ms: random() < 0.01 ? 0 : Math.exp(random() * 9) / 7,
      cost_usd: unpriced ? null : (Math.floor(random() * 1e9) / 1e12).toFixed(12),
      cost_status: unpriced ? 'unpriced' : 'provided',
      syntax_valid: flag(),
      onex_compliant: flag(),
      has_type_hints: flag(),
      truncated: random() < 0.1,
      created_at: createdAt(index).toISOString(),
    };
  });
  await dataSource.query(
    `INSERT INTO llm_generation_metrics (correlation_id, method_name, tier, model_used, node_type, service_name,
       tokens_input, tokens_output, tokens_total, tokens_cached_input, tokens_reasoning, latency_ms, cost_usd,
       cost_status, syntax_valid, onex_compliant, has_type_hints, truncated, created_at)
     SELECT gen_random_uuid(), 'm', r.tier, r.model_used, r.node_type, r.service_name, r.tokens_input,
       r.tokens_output, r.tokens_total, r.tokens_cached_input, r.tokens_reasoning, r.latency_ms, r.cost_usd,
       r.cost_status, r.syntax_valid, r.onex_compliant, r.has_type_hints, r.truncated, r.created_at
     FROM jsonb_to_recordset($1::jsonb) AS r(tier text, model_used text, node_type text, service_name text,
       tokens_input int, tokens_output int, tokens_total int, tokens_cached_input int, tokens_reasoning int,
       latency_ms float8, cost_usd numeric, cost_status text, syntax_valid boolean, onex_compliant boolean,
       has_type_hints boolean, truncated boolean, created_at timestamptz)`,
    [JSON.stringify(rows)],
  );
}

/** The raw GROUP BY the reports must equal: every row of `[from, to)`, no rollup. */
export async function rawCostReport(
  dataSource: DataSource,
  from: Date,
  to: Date,
  groupBy: readonly ReportGroupField[],
): Promise<Record<string, unknown>[]> {
  return dataSource.query(
    `SELECT CASE WHEN $3 THEN tier END AS tier, CASE WHEN $4 THEN model_used END AS model_used,
            CASE WHEN $5 THEN node_type END AS node_type, CASE WHEN $6 THEN service_name END AS service_name,
            CASE WHEN $7 THEN to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS day,
            count(*)::integer AS generations, sum(tokens_input)::bigint::text AS tokens_input,
            sum(tokens_total)::bigint::text AS tokens_total,
            coalesce(sum(tokens_cached_input), 0)::text AS tokens_cached_input,
            coalesce(sum(tokens_reasoning), 0)::text AS tokens_reasoning,
            coalesce(sum(cost_usd), 0)::text AS total_cost,
            count(*) FILTER (WHERE cost_status = 'unpriced')::integer AS unpriced,
            (sum(latency_ms::numeric) / count(*))::float8 AS avg_latency
     FROM llm_generation_metrics WHERE created_at >= $1 AND created_at < $2
     GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
    [
      from,
      to,
      ...['tier', 'model_used', 'node_type', 'service_name', 'day'].map((f) =>
        groupBy.includes(f as ReportGroupField),
      ),
    ],
  );
}

/**
 * Inserts `count` history rows with random node types, quality scores and validation results, created
 * at `createdAt(i)`, each with a metrics row of the same correlation_id, node type and instant (so the
 * quality report, whose groups come from metrics, has a group for each), in one transaction.
 */
export async function insertRandomHistory(
  dataSource: DataSource,
  count: number,
  random: () => number,
  createdAt: (index: number) => Date,
): Promise<void> {
  const rows = Array.from({ length: count }, (_, index) => ({
    node_type: NODE_TYPES[Math.floor(random() * NODE_TYPES.length)]!,
    quality_score: random() < 0.05 ? 1 : random(),
    validation_passed: random() < 0.7,
    created_at: createdAt(index).toISOString(),
  }));
  await dataSource.query(
    `WITH input AS (
       SELECT gen_random_uuid() AS correlation_id, r.*
       FROM jsonb_to_recordset($1::jsonb) AS r(node_type text, quality_score float8, validation_passed boolean,
         created_at timestamptz)
     ),
     metrics AS (
       INSERT INTO llm_generation_metrics (correlation_id, method_name, tier, model_used, node_type, service_name,
         tokens_input, tokens_output, tokens_total, latency_ms, cost_usd, created_at)
       SELECT correlation_id, 'm', 'local', 'llama', node_type, 'PostgresService', 1, 1, 2, 1, 0, created_at
       FROM input
     )
     INSERT INTO llm_generation_history (correlation_id, node_type, method_name, prompt_text, generated_code,
       quality_score, validation_passed, created_at)
     SELECT correlation_id, node_type, 'm', 'p', 'c', quality_score, validation_passed, created_at FROM input`,
    [JSON.stringify(rows)],
  );
}

/** The raw history part of the quality report: every history row of `[from, to)`, no rollup. */
export async function rawHistoryQuality(
  dataSource: DataSource,
  from: Date,
  to: Date,
  groupBy: readonly ReportGroupField[],
): Promise<Record<string, unknown>[]> {
  return dataSource.query(
    `SELECT CASE WHEN $3 THEN node_type END AS node_type,
            CASE WHEN $4 THEN to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS day,
            count(*)::integer AS history_rows, avg(quality_score::numeric)::float8 AS avg_quality_score,
            avg(validation_passed::integer)::float8 AS validation_pass_rate
     FROM llm_generation_history WHERE created_at >= $1 AND created_at < $2
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [from, to, groupBy.includes('node_type'), groupBy.includes('day')],
  );
}

/** How long a test waits for another session's transaction that holds a watermark back. */
export const CATCH_UP_DEADLINE_MS = 240_000;
/** Jest timeout for a test or hook that waits for the watermark to catch up. */
export const CATCH_UP_TIMEOUT_MS = CATCH_UP_DEADLINE_MS + 30_000;

/**
 * Refreshes until the watermark covers every committed row. Another session's open transaction (a
 * test file or benchmark on the same server) may hold it back for a while: wait for it, up to 4 min.
 */
export async function refreshUntilCaughtUp(dataSource: DataSource): Promise<void> {
  await catchUp(dataSource, ROLLUP_NAME, 'llm_generation_metrics', () => refreshRollups(dataSource));
}

/** `refreshUntilCaughtUp` for the history rollup. */
export async function refreshHistoryUntilCaughtUp(dataSource: DataSource): Promise<void> {
  await catchUp(dataSource, HISTORY_ROLLUP_NAME, 'llm_generation_history', () =>
    refreshHistoryRollups(dataSource),
  );
}

async function catchUp(
  dataSource: DataSource,
  rollupName: typeof ROLLUP_NAME | typeof HISTORY_ROLLUP_NAME,
  table: 'llm_generation_metrics' | 'llm_generation_history',
  refresh: () => Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + CATCH_UP_DEADLINE_MS;
  while (Date.now() < deadline) {
    await refresh();
    const watermark = await getRollupWatermark(dataSource, rollupName);
    const [{ above }] = await dataSource.query<[{ above: boolean }]>(
      `SELECT EXISTS (SELECT 1 FROM ${table} WHERE (insert_xid, id) > ($1, $2)) AS above`,
      [watermark.insertXid, watermark.id],
    );
    if (!above) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the ${rollupName} watermark did not catch up`);
}
