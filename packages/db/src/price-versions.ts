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
 * When the new price applies now, the tier's row in `llm_context_windows` shows it. Given an
 * EntityManager inside a transaction, it joins that transaction (a savepoint), so a caller can commit
 * the price change together with its own writes (the admin API's audit entry).
 */
export function addPriceVersion(
  target: DataSource | EntityManager,
  input: NewPriceVersion,
  now = new Date(),
): Promise<LlmPriceVersion> {
  return target.transaction(async (manager) => {
    await lockTier(manager, input.tier);
    const sameStart = await manager.query<unknown[]>(
      `SELECT 1 FROM llm_price_versions WHERE tier = $1 AND model_name = $2 AND effective_from = $3`,
      [input.tier, input.model_name, input.effective_from],
    );
    if (sameStart.length > 0) {
      throw new DbError(
        'VALIDATION_FAILED',
        `effective_from: a price of ${input.tier}/${input.model_name} already starts at ${input.effective_from.toISOString()}`,
        { field: 'effective_from' },
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
    await syncContextWindowPrices(manager, now);
    return version;
  });
}

/**
 * Makes `llm_context_windows` show, per tier, the model and prices of the version in effect at `now`
 * (the most recently started one, when the tier serves several models). Run after a price change and
 * by the nightly job, so that a price that was scheduled for later shows once it applies.
 */
export async function syncContextWindowPrices(
  manager: EntityManager | DataSource,
  now = new Date(),
): Promise<number> {
  const [, changed] = await manager.query<[unknown, number]>(
    `UPDATE llm_context_windows AS w
     SET model_name = v.model_name, cost_per_1m_input_usd = v.cost_per_1m_input_usd,
         cost_per_1m_output_usd = v.cost_per_1m_output_usd, updated_at = now()
     FROM (
       SELECT DISTINCT ON (tier) tier, model_name, cost_per_1m_input_usd, cost_per_1m_output_usd
       FROM llm_price_versions
       WHERE effective_from <= $1 AND (effective_to IS NULL OR effective_to > $1)
       ORDER BY tier, effective_from DESC
     ) AS v
     WHERE w.tier = v.tier
       AND (w.model_name, w.cost_per_1m_input_usd, w.cost_per_1m_output_usd)
           IS DISTINCT FROM (v.model_name, v.cost_per_1m_input_usd, v.cost_per_1m_output_usd)`,
    [now],
  );
  return changed;
}

/** Serialises price changes of one tier; a tier must exist in `llm_context_windows` to be priced. */
async function lockTier(manager: EntityManager, tier: string): Promise<void> {
  const rows = await manager.query<unknown[]>(
    `SELECT 1 FROM llm_context_windows WHERE tier = $1 FOR UPDATE`,
    [tier],
  );
  if (rows.length === 0)
    throw new DbError('VALIDATION_FAILED', `tier ${tier} does not exist`, { field: 'tier' });
}
