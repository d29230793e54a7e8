import type { DataSource, EntityManager } from 'typeorm';
import { LlmPriceVersion } from './entities';
import { DbError } from './errors';

export interface NewPriceVersion {
  readonly tier: string;
  readonly model_name: string;
  /** USD per 1M tokens, as decimal strings. */
  readonly cost_per_1m_input_usd: string;
  readonly cost_per_1m_output_usd: string;
  readonly cost_per_1m_cached_input_usd?: string | null;
  readonly cost_per_1m_cache_write_usd?: string | null;
  readonly cost_per_1m_reasoning_usd?: string | null;
  /** When the price starts to apply; it may lie in the past or the future. */
  readonly effective_from: Date;
}

/**
 * Adds a price version; nothing is overwritten. The version in effect for the same tier and model
 * at `effective_from` ends there, and the new one ends where the next known version starts. Recorded
 * generations keep the cost they were written with (repricing is a separate, explicit operation).
 * When the new price applies now, the tier's row in `llm_context_windows` shows it.
 */
export function addPriceVersion(
  dataSource: DataSource,
  input: NewPriceVersion,
  now = new Date(),
): Promise<LlmPriceVersion> {
  return dataSource.transaction(async (manager) => {
    await lockTier(manager, input.tier);
    const sameStart = await manager.query<unknown[]>(
      `SELECT 1 FROM llm_price_versions WHERE tier = $1 AND model_name = $2 AND effective_from = $3`,
      [input.tier, input.model_name, input.effective_from],
    );
    if (sameStart.length > 0) {
      throw new DbError(
        'VALIDATION_FAILED',
        `effective_from: a price of ${input.tier}/${input.model_name} already starts at ${input.effective_from.toISOString()}`,
      );
    }
    const next = await manager.query<{ effective_from: Date }[]>(
      `SELECT effective_from FROM llm_price_versions
       WHERE tier = $1 AND model_name = $2 AND effective_from > $3
       ORDER BY effective_from LIMIT 1`,
      [input.tier, input.model_name, input.effective_from],
    );
    await manager.query(
      `UPDATE llm_price_versions SET effective_to = $3
       WHERE tier = $1 AND model_name = $2 AND effective_from < $3 AND (effective_to IS NULL OR effective_to > $3)`,
      [input.tier, input.model_name, input.effective_from],
    );
    const repository = manager.getRepository(LlmPriceVersion);
    const version = await repository.save(
      repository.create({ ...input, effective_to: next[0]?.effective_from ?? null }),
    );
    if (version.effective_from <= now && (version.effective_to === null || version.effective_to > now)) {
      await manager.query(
        `UPDATE llm_context_windows
         SET model_name = $2, cost_per_1m_input_usd = $3, cost_per_1m_output_usd = $4, updated_at = now()
         WHERE tier = $1`,
        [input.tier, input.model_name, input.cost_per_1m_input_usd, input.cost_per_1m_output_usd],
      );
    }
    return version;
  });
}

/** Serialises price changes of one tier; a tier must exist in `llm_context_windows` to be priced. */
async function lockTier(manager: EntityManager, tier: string): Promise<void> {
  const rows = await manager.query<unknown[]>(
    `SELECT 1 FROM llm_context_windows WHERE tier = $1 FOR UPDATE`,
    [tier],
  );
  if (rows.length === 0) throw new DbError('VALIDATION_FAILED', `tier ${tier} does not exist`);
}
