import type { PreparedGeneration } from '@llm-metrics/db/generation';
import { copyBatch } from '@llm-metrics/db/batch-writes';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { refusedRows } from '../common/refused-rows';
import { CURSOR_AT_SQL, type CreatedAtPosition } from '../common/cursor';
import type { TimeRange } from '../common/query';
import type { GenerationDto } from './generation.dto';

const COLUMNS = `id, correlation_id, session_id, node_type, service_name, method_name, operation_type, tier,
  model_used, tokens_input, tokens_output, tokens_total, tokens_cached_input, tokens_cache_write,
  tokens_reasoning, latency_ms, cost_usd, cost_status, price_version_id, syntax_valid, onex_compliant,
  has_type_hints, security_issues, finish_reason, truncated, prompt_length, response_length, created_at`;

export interface GenerationFilters {
  readonly tier: string | null;
  readonly model_used: string | null;
  readonly node_type: string | null;
  readonly service_name: string | null;
  readonly method_name: string | null;
  readonly session_id: string | null;
  readonly correlation_id: string | null;
  readonly finish_reason: string | null;
  readonly cost_status: string | null;
}

export type GenerationRow = GenerationDto & { cursor_at: string };

/** Every absent filter is a bound NULL that switches its condition off; the statement never changes. */
const FIND_PAGE_SQL = `
  SELECT ${COLUMNS}, ${CURSOR_AT_SQL} AS cursor_at
  FROM llm_generation_metrics
  WHERE created_at >= $1 AND created_at < $2
    AND ($3::varchar IS NULL OR tier = $3)
    AND ($4::varchar IS NULL OR model_used = $4)
    AND ($5::varchar IS NULL OR node_type = $5)
    AND ($6::varchar IS NULL OR service_name = $6)
    AND ($7::varchar IS NULL OR method_name = $7)
    AND ($8::uuid IS NULL OR session_id = $8)
    AND ($9::uuid IS NULL OR correlation_id = $9)
    AND ($10::varchar IS NULL OR finish_reason = $10)
    AND ($11::varchar IS NULL OR cost_status = $11)
    AND ($12::timestamptz IS NULL OR (created_at, id) < ($12::timestamptz, $13::uuid))
  ORDER BY created_at DESC, id DESC
  LIMIT $14`;

@Injectable()
export class GenerationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Writes the whole batch in one transaction, through the collector's COPY path. An id already
   * stored is a 409 and nothing is written (COPY cannot skip it, and a silent skip would hide a
   * duplicated history row).
   */
  async insert(batch: readonly PreparedGeneration[]): Promise<void> {
    await copyBatch(this.dataSource, batch).catch(refusedRows('id'));
  }

  async findById(id: string): Promise<GenerationDto | undefined> {
    const [row] = await this.dataSource.query<GenerationDto[]>(
      `SELECT ${COLUMNS} FROM llm_generation_metrics WHERE id = $1 ORDER BY created_at LIMIT 1`,
      [id],
    );
    return row;
  }

  /** Up to `limit` rows of the range after `after`, newest first, with their cursor position. */
  findPage(
    range: TimeRange,
    filters: GenerationFilters,
    after: CreatedAtPosition | null,
    limit: number,
  ): Promise<GenerationRow[]> {
    return this.dataSource.query<GenerationRow[]>(FIND_PAGE_SQL, [
      range.from,
      range.to,
      filters.tier,
      filters.model_used,
      filters.node_type,
      filters.service_name,
      filters.method_name,
      filters.session_id,
      filters.correlation_id,
      filters.finish_reason,
      filters.cost_status,
      after?.at ?? null,
      after?.id ?? null,
      limit,
    ]);
  }
}
