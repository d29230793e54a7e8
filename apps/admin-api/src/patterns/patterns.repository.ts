import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PatternDto, PatternSort, UpdatePatternDto } from './pattern.dto';

const COLUMNS = `id, pattern_type, node_type, pattern_data, usage_count, avg_quality_score, created_at, last_used_at`;

export interface PatternFilters {
  readonly pattern_type: string | null;
  readonly node_type: string | null;
}

export interface SortPosition {
  readonly key: number;
  readonly id: string;
}

export type PatternRow = PatternDto & { sort_key: number };

/**
 * One statement for the three sorts: each maps a pattern to one float8 key (unscored patterns sort
 * last by quality), so the keyset `(sort_key, id)` pages them all the same way.
 */
const FIND_PAGE_SQL = `
  WITH keyed AS (
    SELECT ${COLUMNS},
           CASE $3::text
             WHEN 'usage' THEN usage_count::float8
             WHEN 'recency' THEN extract(epoch FROM coalesce(last_used_at, created_at))::float8
             ELSE coalesce(avg_quality_score, -1)
           END AS sort_key
    FROM llm_patterns
    WHERE ($1::varchar IS NULL OR pattern_type = $1) AND ($2::varchar IS NULL OR node_type = $2)
  )
  SELECT * FROM keyed
  WHERE ($4::float8 IS NULL OR (sort_key, id) < ($4::float8, $5::uuid))
  ORDER BY sort_key DESC, id DESC
  LIMIT $6`;

/** Each field is set only when its flag is true: absent fields keep their value. */
const UPDATE_SQL = `
  UPDATE llm_patterns
     SET pattern_data = CASE WHEN $2 THEN $3::jsonb ELSE pattern_data END,
         avg_quality_score = CASE WHEN $4 THEN $5::float8 ELSE avg_quality_score END,
         node_type = CASE WHEN $6 THEN $7::varchar ELSE node_type END
   WHERE id = $1
  RETURNING ${COLUMNS}`;

@Injectable()
export class PatternsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<PatternDto | undefined> {
    const [row] = await manager.query<PatternDto[]>(
      lock
        ? `SELECT ${COLUMNS} FROM llm_patterns WHERE id = $1 FOR UPDATE`
        : `SELECT ${COLUMNS} FROM llm_patterns WHERE id = $1`,
      [id],
    );
    return row;
  }

  findPage(
    filters: PatternFilters,
    sort: PatternSort,
    after: SortPosition | null,
    limit: number,
  ): Promise<PatternRow[]> {
    return this.dataSource.query<PatternRow[]>(FIND_PAGE_SQL, [
      filters.pattern_type,
      filters.node_type,
      sort,
      after?.key ?? null,
      after?.id ?? null,
      limit,
    ]);
  }

  async update(
    manager: EntityManager,
    id: string,
    changes: UpdatePatternDto,
  ): Promise<PatternDto | undefined> {
    const [rows] = await manager.query<[PatternDto[], number]>(UPDATE_SQL, [
      id,
      changes.pattern_data !== undefined,
      changes.pattern_data === undefined ? null : JSON.stringify(changes.pattern_data),
      changes.avg_quality_score !== undefined,
      changes.avg_quality_score ?? null,
      changes.node_type !== undefined,
      changes.node_type ?? null,
    ]);
    return rows[0];
  }

  async delete(manager: EntityManager, id: string): Promise<PatternDto | undefined> {
    const [rows] = await manager.query<[PatternDto[], number]>(
      `DELETE FROM llm_patterns WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0];
  }

  /** One atomic statement: concurrent uses never lose a count. */
  async recordUse(id: string): Promise<PatternDto | undefined> {
    const [rows] = await this.dataSource.query<[PatternDto[], number]>(
      `UPDATE llm_patterns SET usage_count = usage_count + 1, last_used_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0];
  }
}
