import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The pattern types the seed defines; the CHECK `chk_llm_patterns_type` enforces them. */
export const PATTERN_TYPES = ['high_quality_prompt', 'common_error', 'successful_implementation'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

/** A pattern learned from generation history (table `llm_patterns`). */
@Entity({
  name: 'llm_patterns',
  comment:
    'Patterns learned from generation history (prompt templates, recurring errors, accepted implementations)',
})
// NULLs are distinct: patterns not mined (no fingerprint) may coexist; mined ones upsert on it.
@Unique('uq_llm_patterns_fingerprint', ['pattern_type', 'fingerprint'])
@Index('idx_llm_patterns_type', ['pattern_type'])
@Index('idx_llm_patterns_node_type', ['node_type'])
// Declared DESC in the migration; TypeORM has no syntax for a descending key.
@Index('idx_llm_patterns_quality', ['avg_quality_score'])
@Index('idx_llm_patterns_usage', ['usage_count'])
@Check(
  'chk_llm_patterns_type',
  `pattern_type IN ('high_quality_prompt', 'common_error', 'successful_implementation')`,
)
@Check('chk_llm_patterns_usage_count', 'usage_count >= 0')
@Check('chk_llm_patterns_avg_quality', 'avg_quality_score >= 0 AND avg_quality_score <= 1')
export class LlmPattern {
  @PrimaryGeneratedColumn('uuid', {
    primaryKeyConstraintName: 'llm_patterns_pkey',
    comment: 'Unique identifier',
  })
  id!: string;

  @Column({
    type: 'varchar',
    length: 50,
    comment: 'Pattern type (high_quality_prompt, common_error, successful_implementation)',
  })
  pattern_type!: PatternType;

  @Column({ type: 'varchar', length: 50, nullable: true, comment: 'Associated ONEX node type, if any' })
  node_type!: string | null;

  @Column({ type: 'jsonb', comment: 'Pattern details (templates, code patterns, errors)' })
  pattern_data!: Record<string, unknown>;

  @Column({ type: 'integer', default: 0, comment: 'How many generations used or matched the pattern' })
  usage_count!: number;

  @Column({
    type: 'double precision',
    nullable: true,
    comment: 'Average quality score of those generations',
  })
  avg_quality_score!: number | null;

  @CreateDateColumn({ type: 'timestamp with time zone', comment: 'When the pattern was first found' })
  created_at!: Date;

  @Column({
    type: 'timestamp with time zone',
    nullable: true,
    comment: 'When the pattern was last used or matched',
  })
  last_used_at!: Date | null;

  /** Set by the pattern extractor (migration 1765200000000); NULL for patterns it did not mine. */
  @Column({
    type: 'varchar',
    length: 64,
    nullable: true,
    comment:
      'Stable id the pattern extractor gives the pattern, unique per type; NULL for patterns not mined',
  })
  fingerprint!: string | null;
}
