import { HISTORY_INPUT_FIELDS, type HistoryInput, prepareHistory } from '@llm-metrics/db/generation';
import { Injectable } from '@nestjs/common';
import { ApiException } from '../common/api-error';
import { prepareBatch } from '../common/batch-body';
import { acceptCreatedAtPosition, decodeCursor, toPage } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, LIST_RANGE, resolveRange } from '../common/query';
import type {
  FeedbackDto,
  HistoryDto,
  HistoryListQueryDto,
  HistoryPageDto,
  RecordedHistoriesDto,
} from './history.dto';
import { HistoryRepository } from './history.repository';

@Injectable()
export class HistoryService {
  constructor(private readonly history: HistoryRepository) {}

  /** Records standalone history rows with the db package's checks, all or nothing. */
  async record(body: unknown): Promise<RecordedHistoriesDto> {
    const now = new Date();
    const rows = prepareBatch(body, HISTORY_INPUT_FIELDS, (item) =>
      prepareHistory(item as unknown as HistoryInput, now),
    );
    await this.history.insert(rows);
    return { data: rows.map(({ id, correlation_id }) => ({ id, correlation_id })) };
  }

  async get(id: string): Promise<HistoryDto> {
    const row = await this.history.findById(id);
    if (row === undefined) throw ApiException.notFound('History row', id);
    return row;
  }

  async list(query: HistoryListQueryDto): Promise<HistoryPageDto> {
    const range = resolveRange(query, LIST_RANGE);
    if (
      query.min_quality !== undefined &&
      query.max_quality !== undefined &&
      query.min_quality > query.max_quality
    ) {
      throw ApiException.invalid('min_quality', 'must not exceed max_quality');
    }
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, acceptCreatedAtPosition);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.history.findPage(
      range,
      {
        node_type: query.node_type ?? null,
        method_name: query.method_name ?? null,
        correlation_id: query.correlation_id ?? null,
        min_quality: query.min_quality ?? null,
        max_quality: query.max_quality ?? null,
        validation_passed: query.validation_passed ?? null,
        user_accepted: query.user_accepted ?? null,
      },
      after,
      limit + 1,
    );
    const page = toPage(rows, limit, ({ cursor_at, id }) => ({ at: cursor_at, id }));
    return { data: page.rows.map(({ cursor_at: _, ...row }) => row), next_cursor: page.next_cursor };
  }

  async recordFeedback(id: string, feedback: FeedbackDto): Promise<HistoryDto> {
    const given = [feedback.user_accepted, feedback.user_feedback, feedback.manual_edits_required];
    if (given.every((value) => value === undefined)) {
      throw ApiException.invalid('body', 'must give user_accepted, user_feedback or manual_edits_required');
    }
    const row = await this.history.updateFeedback(id, feedback);
    if (row === undefined) throw ApiException.notFound('History row', id);
    return row;
  }
}
