import type { DataSource, EntityManager } from 'typeorm';
import {
  COST_REPORT,
  LATENCY_REPORT,
  QUALITY_BY_METRICS_GROUP_REPORT,
  QUALITY_REPORT,
  type ReportStatement,
} from './report-sql';
import { HISTORY_ROLLUP_NAME, ROLLUP_NAME } from './rollups';

/**
 * Cost, latency and quality reports over a time range `[from, to)`.
 *
 * Every answer is the union of three disjoint parts, read in one snapshot:
 *   - the rollup buckets (daily for whole UTC days, hourly for the other whole hours) inside the
 *     range (rows up to the watermark);
 *   - the raw rows of those hours above the watermark (written since the last refresh);
 *   - the raw rows of the partial hours at either end of the range, all of them.
 * So sums and counts equal the raw query's exactly, the answer is fresh to the statement, and a
 * long range costs O(buckets + rows since the refresh). Group-by fields come from a fixed list and
 * reach SQL as bound booleans; the statements themselves are constant.
 *
 * The history part of the quality report (rows, mean quality score, validation pass rate) works the
 * same way over `llm_history_hourly` and its own watermark when the report is grouped by `node_type`
 * and/or `day` only, so it survives retention of history. History has no tier, model or service:
 * grouped by one of those, each history row is attributed through the metrics row of its
 * `correlation_id`, read raw (that join can change when a metrics row arrives late, so it is never
 * folded), and history rows dropped by retention no longer count there.
 */

/** The fields a report can be grouped by (`day` is the UTC calendar day, `YYYY-MM-DD`). */
export const REPORT_GROUP_FIELDS = ['tier', 'model_used', 'node_type', 'service_name', 'day'] as const;
export type ReportGroupField = (typeof REPORT_GROUP_FIELDS)[number];

export interface ReportRange {
  /** First instant included. */
  readonly from: Date;
  /** First instant excluded. */
  readonly to: Date;
  /** Fields to group by, in any order; none: one row for the whole range (none if it is empty). */
  readonly groupBy?: readonly ReportGroupField[];
}

/** The group a report row belongs to: each grouped field, or null when not grouped by it. */
export interface ReportGroup {
  tier: string | null;
  model_used: string | null;
  node_type: string | null;
  service_name: string | null;
  day: string | null;
}

export interface CostReportRow extends ReportGroup {
  generations: number;
  tokens_input: number;
  tokens_output: number;
  tokens_total: number;
  tokens_cached_input: number;
  tokens_cache_write: number;
  tokens_reasoning: number;
  /** Exact sum of `cost_usd` (USD, decimal string); unpriced rows add nothing, see `unpriced`. */
  total_cost: string;
  /** Generations with no price (`cost_status = 'unpriced'`). */
  unpriced: number;
  /** Mean `latency_ms`, from the exact numeric sum. */
  avg_latency: number;
}

export interface LatencyReportRow extends ReportGroup {
  generations: number;
  /** Within 1.9% of `percentile_cont` of `latency_ms` (log-scaled histogram bins). */
  p50_latency_ms: number;
  p95_latency_ms: number;
  p99_latency_ms: number;
}

export interface QualityReportRow extends ReportGroup {
  generations: number;
  /** Share of rows with a non-null flag where it is true; null when no row has the flag. */
  syntax_valid_rate: number | null;
  onex_compliant_rate: number | null;
  type_hints_rate: number | null;
  truncation_rate: number | null;
  /**
   * From `llm_generation_history` rows created in the range: by their own `node_type` and day from the
   * history rollup, or, grouped by tier, model or service, through their metrics row (read raw).
   */
  history_rows: number;
  /** Mean of `quality_score` as numeric (15 significant digits each), exact in any folding order. */
  avg_quality_score: number | null;
  validation_pass_rate: number | null;
}

export interface TopQualityGeneration {
  node_type: string;
  method_name: string;
  quality_score: number;
  model_used: string;
  tokens_total: number;
}

export async function getCostReport(dataSource: DataSource, range: ReportRange): Promise<CostReportRow[]> {
  const rows = await queryAtWatermarks(dataSource, COST_REPORT, ({ metrics }) => [
    ...rangeParameters(range),
    ...metrics,
    ...dayParameters(range),
  ]);
  return rows.map((row) => ({
    ...group(row),
    generations: Number(row.generations),
    tokens_input: Number(row.tokens_input),
    tokens_output: Number(row.tokens_output),
    tokens_total: Number(row.tokens_total),
    tokens_cached_input: Number(row.tokens_cached_input),
    tokens_cache_write: Number(row.tokens_cache_write),
    tokens_reasoning: Number(row.tokens_reasoning),
    total_cost: String(row.total_cost),
    unpriced: Number(row.unpriced),
    avg_latency: Number(row.avg_latency),
  }));
}

export async function getLatencyReport(
  dataSource: DataSource,
  range: ReportRange,
): Promise<LatencyReportRow[]> {
  const rows = await queryAtWatermarks(dataSource, LATENCY_REPORT, ({ metrics }) => [
    ...rangeParameters(range),
    ...metrics,
  ]);
  return rows.map((row) => ({
    ...group(row),
    generations: Number(row.generations),
    p50_latency_ms: Number(row.p50_latency_ms),
    p95_latency_ms: Number(row.p95_latency_ms),
    p99_latency_ms: Number(row.p99_latency_ms),
  }));
}

export async function getQualityReport(
  dataSource: DataSource,
  range: ReportRange,
): Promise<QualityReportRow[]> {
  const historyFromRollup = (range.groupBy ?? []).every((field) => HISTORY_GROUP_FIELDS.includes(field));
  const rows = await queryAtWatermarks(
    dataSource,
    historyFromRollup ? QUALITY_REPORT : QUALITY_BY_METRICS_GROUP_REPORT,
    ({ metrics, history }) => [
      ...rangeParameters(range),
      ...metrics,
      ...dayParameters(range),
      ...(historyFromRollup ? history : []),
    ],
  );
  return rows.map((row) => ({
    ...group(row),
    generations: Number(row.generations),
    syntax_valid_rate: nullableNumber(row.syntax_valid_rate),
    onex_compliant_rate: nullableNumber(row.onex_compliant_rate),
    type_hints_rate: nullableNumber(row.type_hints_rate),
    truncation_rate: nullableNumber(row.truncation_rate),
    history_rows: Number(row.history_rows),
    avg_quality_score: nullableNumber(row.avg_quality_score),
    validation_pass_rate: nullableNumber(row.validation_pass_rate),
  }));
}

/** The seed's "Find High-Quality Patterns" query, with its threshold and limit as parameters. */
export async function getTopQualityGenerations(
  dataSource: DataSource,
  { minQualityScore = 0.85, limit = 10 }: { minQualityScore?: number; limit?: number } = {},
): Promise<TopQualityGeneration[]> {
  const rows = await dataSource.query<RawRow[]>(
    `SELECT h.node_type, h.method_name, h.quality_score, m.model_used, m.tokens_total
     FROM llm_generation_history h
     JOIN llm_generation_metrics m ON h.correlation_id = m.correlation_id
     WHERE h.validation_passed = true
       AND h.quality_score >= $1
     ORDER BY h.quality_score DESC, h.id
     LIMIT $2`,
    [minQualityScore, limit],
  );
  return rows.map((row) => ({
    node_type: String(row.node_type),
    method_name: String(row.method_name),
    quality_score: Number(row.quality_score),
    model_used: String(row.model_used),
    tokens_total: Number(row.tokens_total),
  }));
}

type RawValue = string | number | boolean | Date | null | undefined;
type RawRow = Record<string, RawValue>;

function rangeParameters({ from, to, groupBy = [] }: ReportRange): unknown[] {
  for (const field of groupBy) {
    if (!REPORT_GROUP_FIELDS.includes(field)) throw new RangeError(`cannot group by ${String(field)}`);
  }
  // Whole hours [fullFrom, fullTo) come from buckets (empty when the range is inside one hour); the
  // partial hours [from, leadEnd) and [trailStart, to) from raw rows. Dates carry milliseconds, so
  // this arithmetic is exact.
  const fullFrom = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const fullTo = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  const leadEnd = Math.min(fullFrom, to.getTime());
  const trailStart = Math.max(fullTo, fullFrom, from.getTime());
  const dates = [from, to, ...[fullFrom, fullTo, leadEnd, trailStart].map((ms) => new Date(ms))];
  return [...dates, ...REPORT_GROUP_FIELDS.map((field) => groupBy.includes(field))];
}

/** The history fields a report can be grouped by and still read history from its rollup. */
const HISTORY_GROUP_FIELDS: readonly ReportGroupField[] = ['node_type', 'day'];

/** Each rollup's watermark as statement parameters: `(insert_xid, id)`. */
interface Watermarks {
  readonly metrics: readonly [string, string];
  readonly history: readonly [string, string];
}

/** The rollups' watermarks each data source's reports saw last (they move only when a refresh commits). */
const lastWatermarks = new WeakMap<DataSource, Watermarks>();

/** Pooled connections whose prepared report statements keep their generic plans (see `runPrepared`). */
const genericPlanSessions = new WeakSet<object>();

/**
 * Runs a report with the watermarks as parameters, so the statement walks the watermark index for the
 * few rows above them. The buckets read and the watermarks must agree: the statement checks, in its
 * own snapshot, that the watermarks it was given (the last ones seen) are the rollups' current ones.
 * That one prepared statement answers almost every report; when the check fails (a refresh moved a
 * watermark) or cannot tell (no rows), the report is run again in one REPEATABLE READ snapshot that
 * reads the watermarks first.
 */
async function queryAtWatermarks(
  dataSource: DataSource,
  statement: ReportStatement,
  parameters: (watermarks: Watermarks) => unknown[],
): Promise<RawRow[]> {
  const known = lastWatermarks.get(dataSource);
  if (known !== undefined) {
    const rows = await runPrepared(dataSource, statement, parameters(known));
    if (rows.length > 0 && rows.every((row) => row.at_watermarks === true)) return rows;
  }
  return dataSource.transaction('REPEATABLE READ', async (manager) => {
    const watermarks = await readWatermarks(manager);
    lastWatermarks.set(dataSource, watermarks);
    return manager.query<RawRow[]>(statement.text, parameters(watermarks));
  });
}

/**
 * The statement, prepared under its name on the pooled connection the first time it runs there, and
 * planned once: its generic plan prunes partitions at run time, and `report-sql.ts` bounds every range
 * on both sides so that the plan does not depend on the values. Planning it per call (a custom plan)
 * would cost about twice its execution. `plan_cache_mode` only affects prepared statements, and the
 * rest of the code prepares none.
 */
async function runPrepared(
  dataSource: DataSource,
  { name, text }: ReportStatement,
  values: unknown[],
): Promise<RawRow[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PreparingClient;
    if (!genericPlanSessions.has(client)) {
      await client.query('SET plan_cache_mode = force_generic_plan');
      genericPlanSessions.add(client);
    }
    return (await client.query({ name, text, values })).rows;
  } finally {
    await runner.release();
  }
}

/** What `runPrepared` needs of the pg client under a TypeORM query runner. */
interface PreparingClient {
  query(config: string | { name: string; text: string; values: unknown[] }): Promise<{ rows: RawRow[] }>;
}

async function readWatermarks(manager: EntityManager): Promise<Watermarks> {
  const rows = await manager.query<{ name: string; watermark_xid: string; watermark_id: string }[]>(
    `SELECT name, watermark_xid, watermark_id FROM llm_rollup_state WHERE name IN ($1, $2)`,
    [ROLLUP_NAME, HISTORY_ROLLUP_NAME],
  );
  const watermark = (name: string): readonly [string, string] => {
    const row = rows.find((candidate) => candidate.name === name);
    if (row === undefined) throw new Error(`llm_rollup_state has no ${name} row: migrate the database`);
    return [row.watermark_xid, row.watermark_id];
  };
  return { metrics: watermark(ROLLUP_NAME), history: watermark(HISTORY_ROLLUP_NAME) };
}

/** `$14`…`$17`: the whole UTC days inside the whole hours, and the whole hours outside them. */
function dayParameters({ from, to }: ReportRange): Date[] {
  const fullFrom = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const fullTo = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  const dayFrom = Math.ceil(fullFrom / DAY_MS) * DAY_MS;
  const dayTo = Math.floor(fullTo / DAY_MS) * DAY_MS;
  const hoursLeadEnd = Math.min(dayFrom, fullTo);
  const hoursTrailStart = Math.max(dayTo, dayFrom, fullFrom);
  return [dayFrom, dayTo, hoursLeadEnd, hoursTrailStart].map((ms) => new Date(ms));
}

function group(row: RawRow): ReportGroup {
  const text = (value: RawValue) => (value == null ? null : String(value));
  return {
    tier: text(row.tier),
    model_used: text(row.model_used),
    node_type: text(row.node_type),
    service_name: text(row.service_name),
    day: text(row.day),
  };
}

function nullableNumber(value: RawValue): number | null {
  return value == null ? null : Number(value);
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
