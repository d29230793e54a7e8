import { GENERATION_INPUT_FIELDS, type GenerationInput, prepareGeneration } from '@llm-metrics/db/generation';
import { loadPriceBook } from '@llm-metrics/db/pricing';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiException } from '../common/api-error';
import { prepareBatch } from '../common/batch-body';
import { acceptCreatedAtPosition, decodeCursor, toPage } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, LIST_RANGE, resolveRange } from '../common/query';
import type {
  GenerationDto,
  GenerationListQueryDto,
  GenerationPageDto,
  RecordedGenerationsDto,
} from './generation.dto';
import { GenerationsRepository } from './generations.repository';

@Injectable()
export class GenerationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly generations: GenerationsRepository,
  ) {}

  /**
   * Records a batch as the collector would (same validation, derivations and cost), all or nothing.
   * Prices are read per request, so a price changed through the API applies to the next request.
   */
  async record(body: unknown): Promise<RecordedGenerationsDto> {
    const prices = await loadPriceBook(this.dataSource);
    const now = new Date();
    const batch = prepareBatch(body, GENERATION_INPUT_FIELDS, (item) =>
      prepareGeneration(item as unknown as GenerationInput, prices, now),
    );
    await this.generations.insert(batch);
    return {
      data: batch.map(({ metrics, history }) => ({
        id: metrics.id,
        correlation_id: metrics.correlation_id,
        history_id: history?.id ?? null,
        cost_usd: metrics.cost_usd,
        cost_status: metrics.cost_status,
        price_version_id: metrics.price_version_id,
      })),
    };
  }

  async get(id: string): Promise<GenerationDto> {
    const row = await this.generations.findById(id);
    if (row === undefined) throw ApiException.notFound('Generation', id);
    return row;
  }

  async list(query: GenerationListQueryDto): Promise<GenerationPageDto> {
    const range = resolveRange(query, LIST_RANGE);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, acceptCreatedAtPosition);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.generations.findPage(
      range,
      {
        tier: query.tier ?? null,
        model_used: query.model_used ?? null,
        node_type: query.node_type ?? null,
        service_name: query.service_name ?? null,
        method_name: query.method_name ?? null,
        session_id: query.session_id ?? null,
        correlation_id: query.correlation_id ?? null,
        finish_reason: query.finish_reason ?? null,
        cost_status: query.cost_status ?? null,
      },
      after,
      limit + 1,
    );
    const page = toPage(rows, limit, ({ cursor_at, id }) => ({ at: cursor_at, id }));
    return { data: page.rows.map(({ cursor_at: _, ...row }) => row), next_cursor: page.next_cursor };
  }
}
