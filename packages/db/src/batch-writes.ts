import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { type CopyValue, copyLine } from './copy-text';
import type { HistoryRow, MetricsRow, PreparedGeneration } from './generation';

/** The columns both write paths fill, in the order of `metricsValues`. */
export const METRICS_COLUMNS =
  'id, correlation_id, session_id, node_type, service_name, method_name, operation_type, tier, model_used, ' +
  'tokens_input, tokens_output, tokens_total, tokens_cached_input, tokens_cache_write, tokens_reasoning, ' +
  'latency_ms, cost_usd, cost_status, price_version_id, syntax_valid, onex_compliant, has_type_hints, ' +
  'security_issues, finish_reason, truncated, prompt_length, response_length, created_at';

function metricsValues(row: MetricsRow): CopyValue[] {
  return [
    row.id,
    row.correlation_id,
    row.session_id,
    row.node_type,
    row.service_name,
    row.method_name,
    row.operation_type,
    row.tier,
    row.model_used,
    row.tokens_input,
    row.tokens_output,
    row.tokens_total,
    row.tokens_cached_input,
    row.tokens_cache_write,
    row.tokens_reasoning,
    row.latency_ms,
    row.cost_usd,
    row.cost_status,
    row.price_version_id,
    row.syntax_valid,
    row.onex_compliant,
    row.has_type_hints,
    JSON.stringify(row.security_issues),
    row.finish_reason,
    row.truncated,
    row.prompt_length,
    row.response_length,
    row.created_at.toISOString(),
  ];
}

/** The history columns both write paths fill, in the order of `historyValues`. */
const HISTORY_COLUMNS =
  'id, correlation_id, node_type, method_name, prompt_text, generated_code, quality_score, ' +
  'validation_passed, user_accepted, user_feedback, manual_edits_required, created_at';

function historyValues(row: HistoryRow): CopyValue[] {
  return [
    row.id,
    row.correlation_id,
    row.node_type,
    row.method_name,
    row.prompt_text,
    row.generated_code,
    row.quality_score,
    row.validation_passed,
    row.user_accepted,
    row.user_feedback,
    row.manual_edits_required,
    row.created_at.toISOString(),
  ];
}

/**
 * A batch's first attempt, the fastest path: `COPY … FROM STDIN` per table in one transaction. COPY
 * cannot skip rows already stored, so retries use `insertBatch` instead.
 */
export async function copyBatch(dataSource: DataSource, batch: readonly PreparedGeneration[]): Promise<void> {
  const history = batch.flatMap((row) => (row.history === null ? [] : [row.history]));
  const queryRunner = dataSource.createQueryRunner();
  const client = (await queryRunner.connect()) as PoolClient;
  try {
    await client.query('BEGIN');
    try {
      await copyRows(client, `llm_generation_metrics (${METRICS_COLUMNS})`, batch, (row) =>
        metricsValues(row.metrics),
      );
      if (history.length > 0) {
        await copyRows(client, `llm_generation_history (${HISTORY_COLUMNS})`, history, historyValues);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await queryRunner.release();
  }
}

async function copyRows<Row>(
  client: PoolClient,
  target: string,
  rows: readonly Row[],
  values: (row: Row) => CopyValue[],
): Promise<void> {
  let text = '';
  for (const row of rows) text += copyLine(values(row));
  await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${target} FROM STDIN`)));
}

/**
 * The idempotent path for retries: one transaction, a multi-row INSERT per table from column arrays
 * (`unnest`). Ids come from the client, so `ON CONFLICT (id, created_at) DO NOTHING` makes a retry after an
 * unclear commit harmless.
 */
export async function insertBatch(
  dataSource: DataSource,
  batch: readonly PreparedGeneration[],
): Promise<void> {
  const history = batch.flatMap((row) => (row.history === null ? [] : [row.history]));
  await dataSource.transaction(async (manager) => {
    const metrics = unnestInsert(`llm_generation_metrics (${METRICS_COLUMNS})`, METRICS_TYPES, batch, (row) =>
      metricsValues(row.metrics),
    );
    await manager.query(metrics.sql, metrics.parameters);
    if (history.length > 0) {
      const rows = unnestInsert(
        `llm_generation_history (${HISTORY_COLUMNS})`,
        HISTORY_TYPES,
        history,
        historyValues,
      );
      await manager.query(rows.sql, rows.parameters);
    }
  });
}

/** Writes standalone history rows (`prepareHistory`) in one transaction, idempotently like `insertBatch`. */
export async function insertHistoryBatch(dataSource: DataSource, rows: readonly HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  const insert = unnestInsert(
    `llm_generation_history (${HISTORY_COLUMNS})`,
    HISTORY_TYPES,
    rows,
    historyValues,
  );
  await dataSource.query(insert.sql, insert.parameters);
}

/** PostgreSQL types of `metricsValues`, for `unnest`. */
const METRICS_TYPES = [
  ...['uuid', 'uuid', 'uuid', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar'],
  ...['int', 'int', 'int', 'int', 'int', 'int', 'float8', 'numeric', 'varchar', 'uuid'],
  ...['bool', 'bool', 'bool', 'jsonb', 'varchar', 'bool', 'int', 'int', 'timestamptz'],
];

/** PostgreSQL types of `historyValues`, for `unnest`. */
const HISTORY_TYPES = [
  ...['uuid', 'uuid', 'varchar', 'varchar', 'text', 'text', 'float8'],
  ...['bool', 'bool', 'text', 'bool', 'timestamptz'],
];

/** `INSERT … SELECT * FROM unnest($1::t1[], …) ON CONFLICT (id, created_at) DO NOTHING` with one array per column. */
function unnestInsert<Row>(
  target: string,
  types: readonly string[],
  rows: readonly Row[],
  values: (row: Row) => CopyValue[],
): { sql: string; parameters: CopyValue[][] } {
  const valueRows = rows.map(values);
  const arrays = types.map((_, column) => valueRows.map((row) => row[column]!));
  const unnest = types.map((type, column) => `$${column + 1}::${type}[]`).join(', ');
  return {
    sql: `INSERT INTO ${target} SELECT * FROM unnest(${unnest}) ON CONFLICT (id, created_at) DO NOTHING`,
    parameters: arrays,
  };
}
