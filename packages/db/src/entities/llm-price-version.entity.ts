import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One price of a tier's model over a span of time (table `llm_price_versions`); never overwritten. */
@Entity({
  name: 'llm_price_versions',
  comment: 'Price versions per tier and model; a price change adds a version, nothing is overwritten',
})
@Unique('uq_llm_price_versions_start', ['tier', 'model_name', 'effective_from'])
@Check(
  'chk_llm_price_versions_prices',
  `cost_per_1m_input_usd >= 0 AND cost_per_1m_output_usd >= 0
          AND cost_per_1m_cached_input_usd >= 0 AND cost_per_1m_cache_write_usd >= 0
          AND cost_per_1m_reasoning_usd >= 0`,
)
@Check('chk_llm_price_versions_validity', 'effective_to > effective_from')
export class LlmPriceVersion {
  @PrimaryGeneratedColumn('uuid', {
    primaryKeyConstraintName: 'llm_price_versions_pkey',
    comment: 'Unique identifier; metrics rows priced by this version point here',
  })
  id!: string;

  @Column({ type: 'varchar', length: 50, comment: 'Model tier the price applies to' })
  tier!: string;

  @Column({ type: 'varchar', length: 255, comment: 'Model the price applies to' })
  model_name!: string;

  /** Decimal strings: money never passes through a JS float. */
  @Column({ type: 'numeric', precision: 20, scale: 10, comment: 'Input cost in USD per 1M tokens' })
  cost_per_1m_input_usd!: string;

  @Column({ type: 'numeric', precision: 20, scale: 10, comment: 'Output cost in USD per 1M tokens' })
  cost_per_1m_output_usd!: string;

  @Column({
    type: 'numeric',
    precision: 20,
    scale: 10,
    nullable: true,
    comment: 'Cached input (cache read) cost in USD per 1M tokens; NULL: the input price',
  })
  cost_per_1m_cached_input_usd!: string | null;

  @Column({
    type: 'numeric',
    precision: 20,
    scale: 10,
    nullable: true,
    comment: 'Cache write cost in USD per 1M tokens; NULL: the input price',
  })
  cost_per_1m_cache_write_usd!: string | null;

  @Column({
    type: 'numeric',
    precision: 20,
    scale: 10,
    nullable: true,
    comment: 'Reasoning cost in USD per 1M tokens; NULL: the output price',
  })
  cost_per_1m_reasoning_usd!: string | null;

  @Column({
    type: 'timestamp with time zone',
    comment: 'First instant the price applies to (a generation created at or after it)',
  })
  effective_from!: Date;

  @Column({
    type: 'timestamp with time zone',
    nullable: true,
    comment: 'First instant it no longer applies to; NULL while it is the latest',
  })
  effective_to!: Date | null;

  @CreateDateColumn({ type: 'timestamp with time zone', comment: 'When the version was added' })
  created_at!: Date;
}
