import type { DataSource, EntityManager } from 'typeorm';
import { WRITE_HORIZON_SQL } from './write-horizon';

/**
 * Incremental hourly rollups of `llm_generation_metrics` (tables of migration
 * `AddReportRollups1765000000000`) and of `llm_generation_history` (`AddHistoryRollup1765400000000`).
 *
 * The watermark is a keyset on `(insert_xid, id)`: `insert_xid` is the id of the transaction that
 * inserted the row. A batch only takes rows below the database's write horizon (the oldest transaction
 * of this database still in progress, `WRITE_HORIZON_SQL`), so every row at or below the watermark is
 * final: a transaction that commits late, whatever the order its rows were written in, has an xid at
 * or above that bound and is folded by a later refresh. A row that arrives late with an old
 * `created_at` is a new key above the watermark, so it lands in its old hour once. Cost: a long-running
 * transaction in this database holds the watermark back (never wrong, only less rolled up); reports
 * read rows above the watermark raw, so they stay fresh regardless.
 * Each rollup has its own watermark row in `llm_rollup_state`; history follows the same rules.
 */

export const ROLLUP_NAME = 'metrics_hourly';
/** The history rollup's watermark row in `llm_rollup_state`. */
export const HISTORY_ROLLUP_NAME = 'history_hourly';
export const DEFAULT_ROLLUP_BATCH_SIZE = 50_000;

export interface RefreshOptions {
  /** Rows folded per transaction (default 50,000). */
  readonly batchSize?: number;
}

export interface RefreshResult {
  readonly rowsFolded: number;
  readonly batches: number;
}

/**
 * Folds every final metrics row above the watermark into the hourly buckets, in batches of
 * `batchSize` rows, each batch one transaction that upserts its buckets and moves the watermark.
 * Idempotent; concurrent refreshes serialize on the watermark row.
 */
export function refreshRollups(dataSource: DataSource, options: RefreshOptions = {}): Promise<RefreshResult> {
  return foldInBatches(dataSource, FOLD_BATCH_SQL, ROLLUP_NAME, options);
}

/**
 * Folds every final history row above the history watermark into `llm_history_hourly` (per UTC hour
 * and node type: rows, quality score sum and count, validation passes), like `refreshRollups`. The
 * feedback columns are not folded: the admin API updates them after the insert.
 */
export function refreshHistoryRollups(
  dataSource: DataSource,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  return foldInBatches(dataSource, FOLD_HISTORY_BATCH_SQL, HISTORY_ROLLUP_NAME, options);
}

/** Runs a fold statement (`$1` rollup name, `$2` batch size) one transaction per batch until caught up. */
async function foldInBatches(
  dataSource: DataSource,
  foldSql: string,
  rollupName: string,
  { batchSize = DEFAULT_ROLLUP_BATCH_SIZE }: RefreshOptions,
): Promise<RefreshResult> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer (got ${batchSize})`);
  }
  let rowsFolded = 0;
  let batches = 0;
  for (;;) {
    const folded = await dataSource.transaction(async (manager) => {
      const [{ rows }] = await manager.query<[{ rows: number }]>(foldSql, [rollupName, batchSize]);
      return rows;
    });
    if (folded === 0) break;
    rowsFolded += folded;
    batches += 1;
    if (folded < batchSize) break;
  }
  return { rowsFolded, batches };
}

/** Empties the rollups and folds every row again: the reference the incremental path must match. */
export async function rebuildRollups(
  dataSource: DataSource,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  await resetRollup(
    dataSource,
    ROLLUP_NAME,
    'llm_metrics_hourly, llm_metrics_daily, llm_metrics_hourly_latency',
  );
  return refreshRollups(dataSource, options);
}

/** Empties the history rollup and folds every history row again. */
export async function rebuildHistoryRollups(
  dataSource: DataSource,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  await resetRollup(dataSource, HISTORY_ROLLUP_NAME, 'llm_history_hourly');
  return refreshHistoryRollups(dataSource, options);
}

/** Empties a rollup's tables and moves its watermark back to the start, under the watermark's lock. */
async function resetRollup(dataSource: DataSource, rollupName: string, tables: string): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query(`SELECT 1 FROM llm_rollup_state WHERE name = $1 FOR UPDATE`, [rollupName]);
    await manager.query(`TRUNCATE ${tables}`);
    await manager.query(
      `UPDATE llm_rollup_state
       SET watermark_xid = 0, watermark_id = '00000000-0000-0000-0000-000000000000', refreshed_at = now()
       WHERE name = $1`,
      [rollupName],
    );
  });
}

export interface RollupWatermark {
  readonly insertXid: string;
  readonly id: string;
  readonly refreshedAt: Date | null;
}

/** The watermark of the metrics rollup, or of the history rollup with `HISTORY_ROLLUP_NAME`. */
export async function getRollupWatermark(
  dataSource: DataSource,
  rollupName: typeof ROLLUP_NAME | typeof HISTORY_ROLLUP_NAME = ROLLUP_NAME,
): Promise<RollupWatermark> {
  const [row] = await dataSource.query<
    [{ watermark_xid: string; watermark_id: string; refreshed_at: Date | null }]
  >(`SELECT watermark_xid, watermark_id, refreshed_at FROM llm_rollup_state WHERE name = $1`, [rollupName]);
  return { insertXid: row.watermark_xid, id: row.watermark_id, refreshedAt: row.refreshed_at };
}

/** The summed columns of a bucket and how a batch of raw rows `batch` computes each. */
const BUCKET_SUMS: readonly (readonly [column: string, aggregate: string])[] = [
  ['generations', 'count(*)'],
  ['tokens_input', 'sum(tokens_input)'],
  ['tokens_output', 'sum(tokens_output)'],
  ['tokens_total', 'sum(tokens_total)'],
  ['tokens_cached_input', 'coalesce(sum(tokens_cached_input), 0)'],
  ['tokens_cache_write', 'coalesce(sum(tokens_cache_write), 0)'],
  ['tokens_reasoning', 'coalesce(sum(tokens_reasoning), 0)'],
  ['cost_usd', 'coalesce(sum(cost_usd), 0)'],
  ['unpriced', "count(*) FILTER (WHERE cost_status = 'unpriced')"],
  ['latency_ms_sum', 'sum(latency_ms::numeric)'],
  ['syntax_valid_true', 'count(*) FILTER (WHERE syntax_valid)'],
  ['syntax_valid_known', 'count(syntax_valid)'],
  ['onex_compliant_true', 'count(*) FILTER (WHERE onex_compliant)'],
  ['onex_compliant_known', 'count(onex_compliant)'],
  ['has_type_hints_true', 'count(*) FILTER (WHERE has_type_hints)'],
  ['has_type_hints_known', 'count(has_type_hints)'],
  ['truncated_true', 'count(*) FILTER (WHERE truncated)'],
  ['truncated_known', 'count(truncated)'],
];

/** Upserts the batch's sums into `table`, a bucket being `width` ('1 hour', '1 day') from a UTC origin. */
function upsertBuckets(table: 'llm_metrics_hourly' | 'llm_metrics_daily', width: '1 hour' | '1 day'): string {
  return `
    INSERT INTO ${table} AS r (bucket_start, tier, model_used, node_type, service_name,
      ${BUCKET_SUMS.map(([column]) => column).join(', ')})
    SELECT date_bin('${width}', created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), tier, model_used,
      node_type, service_name, ${BUCKET_SUMS.map(([, aggregate]) => aggregate).join(', ')}
    FROM batch
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT ON CONSTRAINT ${table}_pkey DO UPDATE SET
      ${BUCKET_SUMS.map(([column]) => `${column} = r.${column} + EXCLUDED.${column}`).join(',\n      ')}`;
}

/** The end of a fold: move watermark `$1` to the last row of `batch`, and count the batch's rows. */
const ADVANCE_WATERMARK = `
  last_row AS (
    SELECT insert_xid, id FROM batch ORDER BY insert_xid DESC, id DESC LIMIT 1
  ),
  advanced AS (
    UPDATE llm_rollup_state s
    SET watermark_xid = l.insert_xid, watermark_id = l.id, refreshed_at = now()
    FROM last_row l
    WHERE s.name = $1
  )
  SELECT count(*)::integer AS rows FROM batch
`;

/**
 * One batch in one statement: lock the watermark, take the next final rows above it in key order,
 * upsert their hourly and daily buckets and histogram bins, move the watermark to the last row taken.
 */
const FOLD_BATCH_SQL = `
  WITH state AS (
    SELECT watermark_xid, watermark_id FROM llm_rollup_state WHERE name = $1 FOR UPDATE
  ),
  batch AS (
    SELECT m.*, date_bin('1 hour', m.created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket_start
    FROM llm_generation_metrics m
    -- Scalar subqueries, so the planner walks idx_llm_metrics_insert_xid in order and stops at $2.
    WHERE (m.insert_xid, m.id) > ((SELECT watermark_xid FROM state), (SELECT watermark_id FROM state))
      AND m.insert_xid < ${WRITE_HORIZON_SQL}
    ORDER BY m.insert_xid, m.id
    LIMIT $2
  ),
  hours AS (${upsertBuckets('llm_metrics_hourly', '1 hour')}
  ),
  days AS (${upsertBuckets('llm_metrics_daily', '1 day')}
  ),
  bins AS (
    INSERT INTO llm_metrics_hourly_latency AS h
      (bucket_start, tier, model_used, node_type, service_name, bin, generations)
    SELECT bucket_start, tier, model_used, node_type, service_name, llm_latency_bin(latency_ms), count(*)
    FROM batch
    GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ON CONSTRAINT llm_metrics_hourly_latency_pkey DO UPDATE SET
      generations = h.generations + EXCLUDED.generations
  ),
  ${ADVANCE_WATERMARK}`;

/** FOLD_BATCH_SQL for history: the same watermark discipline, one bucket table. */
const FOLD_HISTORY_BATCH_SQL = `
  WITH state AS (
    SELECT watermark_xid, watermark_id FROM llm_rollup_state WHERE name = $1 FOR UPDATE
  ),
  batch AS (
    SELECT h.id, h.insert_xid, h.node_type, h.quality_score, h.validation_passed,
           date_bin('1 hour', h.created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket_start
    FROM llm_generation_history h
    WHERE (h.insert_xid, h.id) > ((SELECT watermark_xid FROM state), (SELECT watermark_id FROM state))
      AND h.insert_xid < ${WRITE_HORIZON_SQL}
    ORDER BY h.insert_xid, h.id
    LIMIT $2
  ),
  hours AS (
    INSERT INTO llm_history_hourly AS r
      (bucket_start, node_type, history_rows, quality_score_sum, quality_score_count, validation_passed_count)
    SELECT bucket_start, node_type, count(*), coalesce(sum(quality_score::numeric), 0), count(quality_score),
           count(*) FILTER (WHERE validation_passed)
    FROM batch
    GROUP BY 1, 2
    ON CONFLICT ON CONSTRAINT llm_history_hourly_pkey DO UPDATE SET
      history_rows = r.history_rows + EXCLUDED.history_rows,
      quality_score_sum = r.quality_score_sum + EXCLUDED.quality_score_sum,
      quality_score_count = r.quality_score_count + EXCLUDED.quality_score_count,
      validation_passed_count = r.validation_passed_count + EXCLUDED.validation_passed_count
  ),
  ${ADVANCE_WATERMARK}`;

export interface CostCorrection {
  readonly id: string;
  readonly cost_usd: string | null;
  readonly cost_status: string;
}

/**
 * Keeps the rollups true when already folded rows get a new cost (repricing): the difference
 * between each row's stored and new cost and unpriced flag is added to its hourly and daily
 * buckets. Call it in the transaction that updates the rows, before the update; it locks the
 * watermark, so no refresh folds these rows in between.
 */
export async function correctRolledUpCosts(
  manager: EntityManager,
  corrections: readonly CostCorrection[],
): Promise<void> {
  if (corrections.length === 0) return;
  await manager.query(CORRECT_COSTS_SQL, [
    ROLLUP_NAME,
    corrections.map((correction) => correction.id),
    corrections.map((correction) => correction.cost_usd),
    corrections.map((correction) => correction.cost_status),
  ]);
}

function correctBuckets(
  table: 'llm_metrics_hourly' | 'llm_metrics_daily',
  width: '1 hour' | '1 day',
): string {
  return `
    UPDATE ${table} AS r
    SET cost_usd = r.cost_usd + d.cost_delta, unpriced = r.unpriced + d.unpriced_delta
    FROM (
      SELECT date_bin('${width}', created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket_start,
             tier, model_used, node_type, service_name,
             sum(cost_delta) AS cost_delta, sum(unpriced_delta) AS unpriced_delta
      FROM changes
      GROUP BY 1, 2, 3, 4, 5
    ) AS d
    WHERE (r.bucket_start, r.tier, r.model_used, r.node_type, r.service_name)
        = (d.bucket_start, d.tier, d.model_used, d.node_type, d.service_name)`;
}

const CORRECT_COSTS_SQL = `
  WITH state AS (
    SELECT watermark_xid, watermark_id FROM llm_rollup_state WHERE name = $1 FOR UPDATE
  ),
  changes AS (
    SELECT m.created_at, m.tier, m.model_used, m.node_type, m.service_name,
           coalesce(u.cost_usd, 0) - coalesce(m.cost_usd, 0) AS cost_delta,
           (u.cost_status = 'unpriced')::integer - (m.cost_status = 'unpriced')::integer AS unpriced_delta
    FROM unnest($2::uuid[], $3::numeric[], $4::varchar[]) AS u(id, cost_usd, cost_status)
    JOIN llm_generation_metrics m ON m.id = u.id
    WHERE (m.insert_xid, m.id) <= ((SELECT watermark_xid FROM state), (SELECT watermark_id FROM state))
  ),
  hours AS (${correctBuckets('llm_metrics_hourly', '1 hour')}
  )
  ${correctBuckets('llm_metrics_daily', '1 day')}
`;
