import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** How a row's `cost_usd` came to be; the CHECK `chk_llm_metrics_cost_status` ties it to the cost. */
export const COST_STATUSES = ['computed', 'provided', 'unpriced'] as const;
export type CostStatus = (typeof COST_STATUSES)[number];

/** One LLM generation: tokens, latency, cost and quality flags (table `llm_generation_metrics`). */
@Entity({
  name: 'llm_generation_metrics',
  comment: 'LLM generation metrics for cost analysis, performance monitoring and quality scoring',
})
@Index('idx_llm_metrics_correlation', ['correlation_id'])
@Index('idx_llm_metrics_session', ['session_id'])
@Index('idx_llm_metrics_node_type', ['node_type'])
@Index('idx_llm_metrics_model', ['model_used'])
// Declared DESC in the migration; TypeORM has no syntax for a descending key.
@Index('idx_llm_metrics_created', ['created_at'])
@Index('idx_llm_metrics_tier_model', ['tier', 'model_used'])
@Index('idx_llm_metrics_insert_xid', ['insert_xid', 'id'])
@Check('chk_llm_metrics_tokens_input', 'tokens_input >= 0')
@Check('chk_llm_metrics_tokens_output', 'tokens_output >= 0')
@Check('chk_llm_metrics_tokens_total', 'tokens_total >= 0')
@Check('chk_llm_metrics_latency', 'latency_ms >= 0')
@Check('chk_llm_metrics_cost', 'cost_usd >= 0')
@Check('chk_llm_metrics_prompt_length', 'prompt_length >= 0')
@Check('chk_llm_metrics_response_length', 'response_length >= 0')
@Check('chk_llm_metrics_security_issues', `jsonb_typeof(security_issues) = 'array'`)
@Check('chk_llm_metrics_tokens_cached_input', 'tokens_cached_input >= 0')
@Check('chk_llm_metrics_tokens_cache_write', 'tokens_cache_write >= 0')
@Check('chk_llm_metrics_tokens_reasoning', 'tokens_reasoning >= 0')
@Check(
  'chk_llm_metrics_cost_status',
  `(cost_status = 'computed' AND cost_usd IS NOT NULL AND price_version_id IS NOT NULL)
          OR (cost_status = 'provided' AND cost_usd IS NOT NULL AND price_version_id IS NULL)
          OR (cost_status = 'unpriced' AND cost_usd IS NULL AND price_version_id IS NULL)`,
)
export class LlmGenerationMetric {
  @PrimaryGeneratedColumn('uuid', {
    primaryKeyConstraintName: 'llm_generation_metrics_pkey',
    comment: 'Unique identifier',
  })
  id!: string;

  @Column({ type: 'uuid', comment: 'Links related operations (joins llm_generation_history)' })
  correlation_id!: string;

  @Column({ type: 'uuid', nullable: true, comment: 'Code generation session, when known' })
  session_id!: string | null;

  @Column({ type: 'varchar', length: 50, comment: 'ONEX node type (effect, compute, reducer, orchestrator)' })
  node_type!: string;

  @Column({ type: 'varchar', length: 255, comment: 'Service the code was generated for' })
  service_name!: string;

  @Column({ type: 'varchar', length: 255, comment: 'Method being generated' })
  method_name!: string;

  @Column({
    type: 'varchar',
    length: 100,
    default: 'method_implementation',
    comment: 'Operation type (method_implementation, ...)',
  })
  operation_type!: string;

  @Column({ type: 'varchar', length: 50, comment: 'Model tier (local, cloud_fast, cloud_premium)' })
  tier!: string;

  @Column({ type: 'varchar', length: 255, comment: 'Specific model, e.g. glm-4.5' })
  model_used!: string;

  @Column({ type: 'integer', comment: 'Input (prompt) tokens' })
  tokens_input!: number;

  @Column({ type: 'integer', comment: 'Output (completion) tokens' })
  tokens_output!: number;

  @Column({ type: 'integer', comment: 'Total tokens' })
  tokens_total!: number;

  @Column({ type: 'double precision', comment: 'Generation latency in milliseconds' })
  latency_ms!: number;

  /** A decimal string: money never passes through a JS float. */
  @Column({
    type: 'numeric',
    precision: 20,
    scale: 12,
    nullable: true,
    comment: 'Cost in USD; NULL when no price was known',
  })
  cost_usd!: string | null;

  @Column({ type: 'boolean', nullable: true, comment: 'Generated code parses; NULL when not checked' })
  syntax_valid!: boolean | null;

  @Column({
    type: 'boolean',
    nullable: true,
    comment: 'Generated code follows ONEX conventions; NULL when not checked',
  })
  onex_compliant!: boolean | null;

  @Column({
    type: 'boolean',
    nullable: true,
    comment: 'Generated code has type hints; NULL when not checked',
  })
  has_type_hints!: boolean | null;

  @Column({
    type: 'jsonb',
    default: [],
    comment: 'Security issues found in the generated code (JSON array)',
  })
  security_issues!: unknown[];

  @Column({
    type: 'varchar',
    length: 50,
    nullable: true,
    comment: 'Completion reason (stop, length, error); NULL when not reported',
  })
  finish_reason!: string | null;

  @Column({ type: 'boolean', default: false, comment: 'Whether the response was truncated' })
  truncated!: boolean;

  @Column({ type: 'integer', nullable: true, comment: 'Prompt length in characters' })
  prompt_length!: number | null;

  @Column({ type: 'integer', nullable: true, comment: 'Response length in characters' })
  response_length!: number | null;

  /** Part of the primary key, `(id, created_at)`: the table is partitioned by its month. */
  @CreateDateColumn({
    type: 'timestamp with time zone',
    primary: true,
    primaryKeyConstraintName: 'llm_generation_metrics_pkey',
    comment: 'When the generation was recorded',
  })
  created_at!: Date;

  @Column({
    type: 'integer',
    nullable: true,
    comment: 'Input tokens read from a prompt cache (part of tokens_input)',
  })
  tokens_cached_input!: number | null;

  @Column({
    type: 'integer',
    nullable: true,
    comment: 'Input tokens written to a prompt cache (part of tokens_input)',
  })
  tokens_cache_write!: number | null;

  @Column({ type: 'integer', nullable: true, comment: 'Reasoning tokens (part of tokens_output)' })
  tokens_reasoning!: number | null;

  @Column({
    type: 'varchar',
    length: 16,
    default: 'provided',
    comment: 'How cost_usd came to be: computed from a price version, provided by the caller, or unpriced',
  })
  cost_status!: CostStatus;

  @Column({
    type: 'uuid',
    nullable: true,
    comment: 'The llm_price_versions row that priced this generation, when computed',
  })
  price_version_id!: string | null;

  /** Set by the database on insert, never written by the application: the rollup watermark's key. */
  @Column({
    type: 'bigint',
    default: () => 'llm_current_xid()',
    insert: false,
    update: false,
    select: false,
    comment: 'Transaction that inserted the row (xid8); the rollup watermark follows (insert_xid, id)',
  })
  insert_xid!: string;
}
