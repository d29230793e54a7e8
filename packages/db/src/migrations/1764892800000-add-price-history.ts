import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Price history and cost provenance. Prices become versions (`llm_price_versions`) that are added,
 * never overwritten; each metrics row records which version priced it and how its cost came to be
 * (`computed`, `provided` by the caller, or `unpriced`), plus the cached, cache-write and reasoning
 * tokens that are priced apart. `llm_context_windows` keeps its seed shape and current prices.
 */
export class AddPriceHistory1764892800000 implements MigrationInterface {
  name = 'AddPriceHistory1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE llm_price_versions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        tier varchar(50) NOT NULL,
        model_name varchar(255) NOT NULL,
        cost_per_1m_input_usd numeric(20,10) NOT NULL,
        cost_per_1m_output_usd numeric(20,10) NOT NULL,
        cost_per_1m_cached_input_usd numeric(20,10),
        cost_per_1m_cache_write_usd numeric(20,10),
        cost_per_1m_reasoning_usd numeric(20,10),
        effective_from timestamp with time zone NOT NULL,
        effective_to timestamp with time zone,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT llm_price_versions_pkey PRIMARY KEY (id),
        CONSTRAINT uq_llm_price_versions_start UNIQUE (tier, model_name, effective_from),
        CONSTRAINT chk_llm_price_versions_prices CHECK (
          cost_per_1m_input_usd >= 0 AND cost_per_1m_output_usd >= 0
          AND cost_per_1m_cached_input_usd >= 0 AND cost_per_1m_cache_write_usd >= 0
          AND cost_per_1m_reasoning_usd >= 0
        ),
        CONSTRAINT chk_llm_price_versions_validity CHECK (effective_to > effective_from)
      )
    `);
    await queryRunner.query(`COMMENT ON TABLE llm_price_versions IS
      'Price versions per tier and model; a price change adds a version, nothing is overwritten'`);
    for (const [column, comment] of Object.entries(PRICE_VERSION_COMMENTS)) {
      await queryRunner.query(`COMMENT ON COLUMN llm_price_versions.${column} IS '${comment}'`);
    }
    // The seed tiers' prices have applied since the beginning of their history.
    await queryRunner.query(`
      INSERT INTO llm_price_versions
        (tier, model_name, cost_per_1m_input_usd, cost_per_1m_output_usd, effective_from)
      SELECT tier, model_name, cost_per_1m_input_usd, cost_per_1m_output_usd, '-infinity'
      FROM llm_context_windows
    `);

    await queryRunner.query(`
      ALTER TABLE llm_generation_metrics
        ADD COLUMN tokens_cached_input integer,
        ADD COLUMN tokens_cache_write integer,
        ADD COLUMN tokens_reasoning integer,
        ADD COLUMN cost_status varchar(16),
        ADD COLUMN price_version_id uuid
    `);
    // Costs already recorded came from their callers; rows without one were never priced.
    await queryRunner.query(`
      UPDATE llm_generation_metrics
      SET cost_status = CASE WHEN cost_usd IS NULL THEN 'unpriced' ELSE 'provided' END
    `);
    await queryRunner.query(`
      ALTER TABLE llm_generation_metrics
        ALTER COLUMN cost_status SET NOT NULL,
        ALTER COLUMN cost_status SET DEFAULT 'provided',
        ADD CONSTRAINT chk_llm_metrics_tokens_cached_input CHECK (tokens_cached_input >= 0),
        ADD CONSTRAINT chk_llm_metrics_tokens_cache_write CHECK (tokens_cache_write >= 0),
        ADD CONSTRAINT chk_llm_metrics_tokens_reasoning CHECK (tokens_reasoning >= 0),
        ADD CONSTRAINT chk_llm_metrics_cost_status CHECK (
          (cost_status = 'computed' AND cost_usd IS NOT NULL AND price_version_id IS NOT NULL)
          OR (cost_status = 'provided' AND cost_usd IS NOT NULL AND price_version_id IS NULL)
          OR (cost_status = 'unpriced' AND cost_usd IS NULL AND price_version_id IS NULL)
        )
    `);
    for (const [column, comment] of Object.entries(METRICS_COMMENTS)) {
      await queryRunner.query(`COMMENT ON COLUMN llm_generation_metrics.${column} IS '${comment}'`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE llm_generation_metrics
        DROP CONSTRAINT chk_llm_metrics_cost_status,
        DROP COLUMN price_version_id,
        DROP COLUMN cost_status,
        DROP COLUMN tokens_reasoning,
        DROP COLUMN tokens_cache_write,
        DROP COLUMN tokens_cached_input
    `);
    await queryRunner.query(`DROP TABLE llm_price_versions`);
  }
}

const PRICE_VERSION_COMMENTS: Readonly<Record<string, string>> = {
  id: 'Unique identifier; metrics rows priced by this version point here',
  tier: 'Model tier the price applies to',
  model_name: 'Model the price applies to',
  cost_per_1m_input_usd: 'Input cost in USD per 1M tokens',
  cost_per_1m_output_usd: 'Output cost in USD per 1M tokens',
  cost_per_1m_cached_input_usd: 'Cached input (cache read) cost in USD per 1M tokens; NULL: the input price',
  cost_per_1m_cache_write_usd: 'Cache write cost in USD per 1M tokens; NULL: the input price',
  cost_per_1m_reasoning_usd: 'Reasoning cost in USD per 1M tokens; NULL: the output price',
  effective_from: 'First instant the price applies to (a generation created at or after it)',
  effective_to: 'First instant it no longer applies to; NULL while it is the latest',
  created_at: 'When the version was added',
};

const METRICS_COMMENTS: Readonly<Record<string, string>> = {
  tokens_cached_input: 'Input tokens read from a prompt cache (part of tokens_input)',
  tokens_cache_write: 'Input tokens written to a prompt cache (part of tokens_input)',
  tokens_reasoning: 'Reasoning tokens (part of tokens_output)',
  cost_status: 'How cost_usd came to be: computed from a price version, provided by the caller, or unpriced',
  price_version_id: 'The llm_price_versions row that priced this generation, when computed',
};
