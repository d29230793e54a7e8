import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/** A model tier: its model, context window and prices (table `llm_context_windows`). */
@Entity({ name: 'llm_context_windows', comment: 'Model capabilities and prices per tier' })
@Unique('llm_context_windows_tier_key', ['tier'])
@Index('idx_llm_context_windows_active', ['is_active'])
@Check('chk_llm_context_windows_max_tokens', 'max_tokens > 0')
@Check('chk_llm_context_windows_cost_input', 'cost_per_1m_input_usd >= 0')
@Check('chk_llm_context_windows_cost_output', 'cost_per_1m_output_usd >= 0')
export class LlmContextWindow {
  @PrimaryGeneratedColumn('uuid', {
    primaryKeyConstraintName: 'llm_context_windows_pkey',
    comment: 'Unique identifier',
  })
  id!: string;

  @Column({ type: 'varchar', length: 50, comment: 'Model tier identifier' })
  tier!: string;

  @Column({ type: 'varchar', length: 255, comment: 'Model name' })
  model_name!: string;

  @Column({ type: 'integer', comment: 'Maximum context window in tokens' })
  max_tokens!: number;

  /** A decimal string: money never passes through a JS float. */
  @Column({ type: 'numeric', precision: 20, scale: 10, comment: 'Input cost in USD per 1M tokens' })
  cost_per_1m_input_usd!: string;

  /** A decimal string: money never passes through a JS float. */
  @Column({ type: 'numeric', precision: 20, scale: 10, comment: 'Output cost in USD per 1M tokens' })
  cost_per_1m_output_usd!: string;

  @Column({ type: 'boolean', default: true, comment: 'Whether the model streams responses' })
  supports_streaming!: boolean;

  @Column({ type: 'boolean', default: true, comment: 'Whether the tier is in use' })
  is_active!: boolean;

  @UpdateDateColumn({ type: 'timestamp with time zone', comment: 'Last update' })
  updated_at!: Date;
}
