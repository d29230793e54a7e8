import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiException } from '../common/api-error';
import { decodeCursor, isUuid, toPage } from '../common/cursor';
import { DEFAULT_PAGE_SIZE } from '../common/query';
import { AuditService, type ChangeContext } from '../audit/audit.service';
import type {
  PatternDto,
  PatternListQueryDto,
  PatternPageDto,
  PatternSort,
  UpdatePatternDto,
} from './pattern.dto';
import { PatternsRepository, type SortPosition } from './patterns.repository';

@Injectable()
export class PatternsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patterns: PatternsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(query: PatternListQueryDto): Promise<PatternPageDto> {
    const sort = query.sort ?? 'quality';
    const after =
      query.cursor === undefined ? null : decodeCursor(query.cursor, (value) => acceptPosition(value, sort));
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.patterns.findPage(
      { pattern_type: query.pattern_type ?? null, node_type: query.node_type ?? null },
      sort,
      after,
      limit + 1,
    );
    const page = toPage(rows, limit, ({ sort_key, id }) => ({ sort, key: sort_key, id }));
    return { data: page.rows.map(({ sort_key: _, ...row }) => row), next_cursor: page.next_cursor };
  }

  async get(id: string): Promise<PatternDto> {
    return (await this.patterns.findById(id)) ?? notFound(id);
  }

  /** Applies an admin's curation and audits it (before and after) in the same transaction. */
  async update(id: string, changes: UpdatePatternDto, change: ChangeContext): Promise<PatternDto> {
    if (Object.values(changes).every((value) => value === undefined)) {
      throw ApiException.invalid('body', 'must give pattern_data, avg_quality_score or node_type');
    }
    return this.dataSource.transaction(async (manager) => {
      const before = (await this.patterns.findById(id, manager, true)) ?? notFound(id);
      const after = (await this.patterns.update(manager, id, changes)) ?? notFound(id);
      await this.audit.record(manager, change, {
        action: 'pattern.update',
        entity_type: 'pattern',
        entity_id: id,
        before,
        after,
      });
      return after;
    });
  }

  /** Deletes a pattern (the miner may find it again on a later full run) and audits it. */
  async delete(id: string, change: ChangeContext): Promise<PatternDto> {
    return this.dataSource.transaction(async (manager) => {
      const before = (await this.patterns.delete(manager, id)) ?? notFound(id);
      await this.audit.record(manager, change, {
        action: 'pattern.delete',
        entity_type: 'pattern',
        entity_id: id,
        before,
        after: null,
      });
      return before;
    });
  }

  async recordUse(id: string): Promise<PatternDto> {
    return (await this.patterns.recordUse(id)) ?? notFound(id);
  }
}

function notFound(id: string): never {
  throw ApiException.notFound('Pattern', id);
}

/** A cursor is only valid for the sort that handed it out. */
function acceptPosition(value: Record<string, unknown>, sort: PatternSort): SortPosition | undefined {
  const { sort: cursorSort, key, id } = value;
  if (cursorSort !== sort || typeof key !== 'number' || !Number.isFinite(key) || !isUuid(id))
    return undefined;
  return { key, id };
}
