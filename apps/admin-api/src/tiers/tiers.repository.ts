import { LlmContextWindow } from '@llm-metrics/db/entities';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PriceVersionDto } from './tiers.dto';

/** The tier columns a change may set directly (prices go through price versions). */
export type TierSettings = Partial<Pick<LlmContextWindow, 'max_tokens' | 'supports_streaming' | 'is_active'>>;

export interface NewTier {
  readonly tier: string;
  readonly model_name: string;
  readonly max_tokens: number;
  readonly cost_per_1m_input_usd: string;
  readonly cost_per_1m_output_usd: string;
  readonly supports_streaming: boolean;
  readonly is_active: boolean;
}

/** The prices of a version, as `addPriceVersion` takes them. */
export interface VersionPrices {
  readonly model_name: string;
  readonly cost_per_1m_input_usd: string;
  readonly cost_per_1m_output_usd: string;
  readonly cost_per_1m_cached_input_usd: string | null;
  readonly cost_per_1m_cache_write_usd: string | null;
  readonly cost_per_1m_reasoning_usd: string | null;
}

/** Tiers (`llm_context_windows`) and their price history (`llm_price_versions`). */
@Injectable()
export class TiersRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<LlmContextWindow[]> {
    return this.dataSource.getRepository(LlmContextWindow).find({ order: { tier: 'ASC' } });
  }

  findByName(
    tier: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<LlmContextWindow | null> {
    return manager.findOneBy(LlmContextWindow, { tier });
  }

  /** The tier's row, locked until the transaction ends, so concurrent changes of it serialise. */
  findByNameForUpdate(manager: EntityManager, tier: string): Promise<LlmContextWindow | null> {
    return manager.findOne(LlmContextWindow, { where: { tier }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(manager: EntityManager, tier: NewTier): Promise<void> {
    await manager.insert(LlmContextWindow, tier);
  }

  async updateSettings(manager: EntityManager, tier: string, settings: TierSettings): Promise<void> {
    await manager.update(LlmContextWindow, { tier }, settings);
  }

  /**
   * The version in effect for the tier at `at`, or else the latest one: what a partial price change
   * starts from (the most recently started one, when the tier serves several models).
   */
  async findPricesAt(manager: EntityManager, tier: string, at: Date): Promise<VersionPrices | undefined> {
    const [row] = await manager.query<VersionPrices[]>(
      `SELECT model_name, cost_per_1m_input_usd::text AS cost_per_1m_input_usd,
              cost_per_1m_output_usd::text AS cost_per_1m_output_usd,
              cost_per_1m_cached_input_usd::text AS cost_per_1m_cached_input_usd,
              cost_per_1m_cache_write_usd::text AS cost_per_1m_cache_write_usd,
              cost_per_1m_reasoning_usd::text AS cost_per_1m_reasoning_usd
       FROM llm_price_versions
       WHERE tier = $1
       ORDER BY (effective_from <= $2 AND (effective_to IS NULL OR effective_to > $2)) DESC,
                effective_from DESC
       LIMIT 1`,
      [tier, at],
    );
    return row;
  }

  /** The price history of a tier, oldest start first; infinite bounds come back as null. */
  getPriceHistory(tier: string, now: Date): Promise<PriceVersionDto[]> {
    return this.dataSource.query<PriceVersionDto[]>(
      `SELECT id, tier, model_name,
              cost_per_1m_input_usd::text AS cost_per_1m_input_usd,
              cost_per_1m_output_usd::text AS cost_per_1m_output_usd,
              cost_per_1m_cached_input_usd::text AS cost_per_1m_cached_input_usd,
              cost_per_1m_cache_write_usd::text AS cost_per_1m_cache_write_usd,
              cost_per_1m_reasoning_usd::text AS cost_per_1m_reasoning_usd,
              CASE WHEN isfinite(effective_from) THEN effective_from END AS effective_from,
              effective_to,
              effective_from <= $2 AND (effective_to IS NULL OR effective_to > $2) AS in_effect,
              created_at
       FROM llm_price_versions
       WHERE tier = $1
       ORDER BY effective_from, model_name, id`,
      [tier, now],
    );
  }
}
