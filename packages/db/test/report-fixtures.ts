import type { DataSource } from 'typeorm';
import type { ReportGroupField } from '../src/reports';
import { refreshRollups, getRollupWatermark } from '../src/rollups';

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

/** Refreshes until the watermark covers every committed row (another test's open transaction may lag it). */
export async function refreshUntilCaughtUp(dataSource: DataSource): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await refreshRollups(dataSource);
    const watermark = await getRollupWatermark(dataSource);
    const [{ above }] = await dataSource.query<[{ above: number }]>(
      `SELECT count(*)::integer AS above FROM llm_generation_metrics WHERE (insert_xid, id) > ($1, $2)`,
      [watermark.insertXid, watermark.id],
    );
    if (above === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the rollup watermark did not catch up');
}
