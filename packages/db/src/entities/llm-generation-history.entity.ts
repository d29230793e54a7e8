import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A generation's prompt, code, quality and feedback, for learning (table `llm_generation_history`). */
@Entity({
  name: 'llm_generation_history',
  comment: 'Generated code with its prompt, quality and user feedback, for learning and pattern extraction',
})
@Index('idx_llm_history_correlation', ['correlation_id'])
// Declared DESC in the migration; TypeORM has no syntax for a descending key.
@Index('idx_llm_history_quality', ['quality_score'])
@Index('idx_llm_history_node_type', ['node_type'])
@Index('idx_llm_history_validation_quality', ['validation_passed', 'quality_score'])
@Index('idx_llm_history_insert_xid', ['insert_xid', 'id'])
// Both keys DESC in the migration (the list's keyset, newest first).
@Index('idx_llm_history_created', ['created_at', 'id'])
@Check('chk_llm_history_quality_score', 'quality_score >= 0 AND quality_score <= 1')
export class LlmGenerationHistory {
  @PrimaryGeneratedColumn('uuid', {
    primaryKeyConstraintName: 'llm_generation_history_pkey',
    comment: 'Unique identifier',
  })
  id!: string;

  @Column({ type: 'uuid', comment: 'Links to llm_generation_metrics' })
  correlation_id!: string;

  @Column({ type: 'varchar', length: 50, comment: 'ONEX node type' })
  node_type!: string;

  @Column({ type: 'varchar', length: 255, comment: 'Method name' })
  method_name!: string;

  @Column({ type: 'text', comment: 'Full prompt sent to the LLM' })
  prompt_text!: string;

  @Column({ type: 'text', comment: 'Generated code or logic' })
  generated_code!: string;

  @Column({ type: 'double precision', comment: 'Quality score from 0.0 to 1.0' })
  quality_score!: number;

  @Column({ type: 'boolean', comment: 'Whether validation passed' })
  validation_passed!: boolean;

  @Column({
    type: 'boolean',
    nullable: true,
    comment: 'Whether the user accepted the code; NULL until known',
  })
  user_accepted!: boolean | null;

  @Column({ type: 'text', nullable: true, comment: 'User feedback text' })
  user_feedback!: string | null;

  @Column({
    type: 'boolean',
    nullable: true,
    comment: 'Whether the user had to edit the code; NULL until known',
  })
  manual_edits_required!: boolean | null;

  /** Part of the primary key, `(id, created_at)`: the table is partitioned by its month. */
  @CreateDateColumn({
    type: 'timestamp with time zone',
    primary: true,
    primaryKeyConstraintName: 'llm_generation_history_pkey',
    comment: 'When the generation was recorded',
  })
  created_at!: Date;

  /** Set by the database on insert, never written by the application: the key of history watermarks. */
  @Column({
    type: 'bigint',
    default: () => 'llm_current_xid()',
    insert: false,
    update: false,
    select: false,
    comment: 'Transaction that inserted the row (xid8); watermarks over history follow (insert_xid, id)',
  })
  insert_xid!: string;
}
