import { LlmExtractionRun } from '@llm-metrics/db/entities';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiException } from '../common/api-error';
import { acceptCreatedAtPosition, cursorInstantSql, decodeCursor, toPage } from '../common/cursor';
import {
  DEFAULT_RUNS_PAGE_SIZE,
  type ExtractionRunDto,
  type ExtractionRunListQueryDto,
  type ExtractionRunPageDto,
} from './extraction-run.dto';

/** Runs are paged newest first on `(started_at, id)`; the cursor keeps `started_at` to the microsecond. */
const FIND_PAGE_SQL = `
  SELECT *, ${cursorInstantSql('started_at')} AS cursor_at
  FROM llm_extraction_runs
  WHERE ($1::varchar IS NULL OR status = $1)
    AND ($2::varchar IS NULL OR mode = $2)
    AND ($3::timestamptz IS NULL OR (started_at, id) < ($3::timestamptz, $4::uuid))
  ORDER BY started_at DESC, id DESC
  LIMIT $5`;

/** What the nightly job did: the extractor's run rows, read only. */
@Injectable()
export class ExtractionRunsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: ExtractionRunListQueryDto): Promise<ExtractionRunPageDto> {
    const limit = query.limit ?? DEFAULT_RUNS_PAGE_SIZE;
    const after =
      query.cursor === undefined ? undefined : decodeCursor(query.cursor, acceptCreatedAtPosition);
    const rows = await this.dataSource.query<(LlmExtractionRun & { cursor_at: string })[]>(FIND_PAGE_SQL, [
      query.status ?? null,
      query.mode ?? null,
      after?.at ?? null,
      after?.id ?? null,
      limit + 1,
    ]);
    const page = toPage(rows, limit, (row) => ({ at: row.cursor_at, id: row.id }));
    return { data: page.rows.map(toDto), next_cursor: page.next_cursor };
  }

  async get(id: string): Promise<ExtractionRunDto> {
    const row = await this.dataSource.getRepository(LlmExtractionRun).findOneBy({ id });
    if (row === null) throw ApiException.notFound('Extraction run', id);
    return toDto(row);
  }
}

function toDto(row: LlmExtractionRun): ExtractionRunDto {
  return {
    id: row.id,
    status: row.status,
    mode: row.mode,
    started_at: row.started_at,
    finished_at: row.finished_at,
    heartbeat_at: row.heartbeat_at,
    watermark_before_xid: row.watermark_before_xid,
    watermark_before_id: row.watermark_before_id,
    watermark_after_xid: row.watermark_after_xid,
    watermark_after_id: row.watermark_after_id,
    rows_read: Number(row.rows_read),
    patterns_created: row.patterns_created,
    patterns_updated: row.patterns_updated,
    patterns_retired: row.patterns_retired,
    maintenance: row.maintenance,
    error: row.error,
    options: row.options,
  };
}
