import { insertHistoryBatch } from '@llm-metrics/db/batch-writes';
import type { HistoryRow } from '@llm-metrics/db/generation';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CURSOR_AT_SQL, type CreatedAtPosition } from '../common/cursor';
import type { TimeRange } from '../common/query';
import type { FeedbackDto, HistoryDto } from './history.dto';

const COLUMNS = `id, correlation_id, node_type, method_name, prompt_text, generated_code, quality_score,
  validation_passed, user_accepted, user_feedback, manual_edits_required, created_at`;

export interface HistoryFilters {
  readonly node_type: string | null;
  readonly method_name: string | null;
  readonly correlation_id: string | null;
  readonly min_quality: number | null;
  readonly max_quality: number | null;
  readonly validation_passed: boolean | null;
  readonly user_accepted: boolean | null;
}

export type HistoryRowWithCursor = HistoryDto & { cursor_at: string };

/** Absent filters are bound NULLs that switch their condition off; the statement never changes. */
const FIND_PAGE_SQL = `
  SELECT ${COLUMNS}, ${CURSOR_AT_SQL} AS cursor_at
  FROM llm_generation_history
  WHERE created_at >= $1 AND created_at < $2
    AND ($3::varchar IS NULL OR node_type = $3)
    AND ($4::varchar IS NULL OR method_name = $4)
    AND ($5::uuid IS NULL OR correlation_id = $5)
    AND ($6::float8 IS NULL OR quality_score >= $6)
    AND ($7::float8 IS NULL OR quality_score <= $7)
    AND ($8::boolean IS NULL OR validation_passed = $8)
    AND ($9::boolean IS NULL OR user_accepted = $9)
    AND ($10::timestamptz IS NULL OR (created_at, id) < ($10::timestamptz, $11::uuid))
  ORDER BY created_at DESC, id DESC
  LIMIT $12`;

/** Each field is set only when its flag is true, so absent fields keep their value and null clears one. */
const UPDATE_FEEDBACK_SQL = `
  UPDATE llm_generation_history
     SET user_accepted = CASE WHEN $2 THEN $3::boolean ELSE user_accepted END,
         user_feedback = CASE WHEN $4 THEN $5::text ELSE user_feedback END,
         manual_edits_required = CASE WHEN $6 THEN $7::boolean ELSE manual_edits_required END
   WHERE id = $1
  RETURNING ${COLUMNS}`;

@Injectable()
export class HistoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One INSERT statement: the whole batch or nothing. */
  async insert(rows: readonly HistoryRow[]): Promise<void> {
    await insertHistoryBatch(this.dataSource, rows);
  }

  async findById(id: string): Promise<HistoryDto | undefined> {
    const [row] = await this.dataSource.query<HistoryDto[]>(
      `SELECT ${COLUMNS} FROM llm_generation_history WHERE id = $1 ORDER BY created_at LIMIT 1`,
      [id],
    );
    return row;
  }

  findPage(
    range: TimeRange,
    filters: HistoryFilters,
    after: CreatedAtPosition | null,
    limit: number,
  ): Promise<HistoryRowWithCursor[]> {
    return this.dataSource.query<HistoryRowWithCursor[]>(FIND_PAGE_SQL, [
      range.from,
      range.to,
      filters.node_type,
      filters.method_name,
      filters.correlation_id,
      filters.min_quality,
      filters.max_quality,
      filters.validation_passed,
      filters.user_accepted,
      after?.at ?? null,
      after?.id ?? null,
      limit,
    ]);
  }

  /** The updated row, or undefined when there is no such row. */
  async updateFeedback(id: string, feedback: FeedbackDto): Promise<HistoryDto | undefined> {
    const [rows] = await this.dataSource.query<[HistoryDto[], number]>(UPDATE_FEEDBACK_SQL, [
      id,
      feedback.user_accepted !== undefined,
      feedback.user_accepted ?? null,
      feedback.user_feedback !== undefined,
      feedback.user_feedback ?? null,
      feedback.manual_edits_required !== undefined,
      feedback.manual_edits_required ?? null,
    ]);
    return rows[0];
  }
}
