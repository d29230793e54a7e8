import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A run's state; the CHECK `chk_llm_extraction_runs_status` enforces them. */
export const EXTRACTION_RUN_STATUSES = ['running', 'succeeded', 'failed', 'abandoned'] as const;
export type ExtractionRunStatus = (typeof EXTRACTION_RUN_STATUSES)[number];

/** How a run mines; the CHECK `chk_llm_extraction_runs_mode` enforces them. */
export const EXTRACTION_RUN_MODES = ['incremental', 'full', 'dry_run'] as const;
export type ExtractionRunMode = (typeof EXTRACTION_RUN_MODES)[number];

/** One maintenance step a run did after mining, as recorded in `maintenance`. */
export interface MaintenanceStep {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
  readonly error?: string;
}

/** One run of the pattern extractor (table `llm_extraction_runs`, migration 1765200000000). */
@Entity({
  name: 'llm_extraction_runs',
  comment: 'Runs of the pattern extractor: status, watermarks, counts and maintenance steps',
})
// Declared DESC in the migration; TypeORM has no syntax for a descending key.
@Index('idx_llm_extraction_runs_started', ['started_at'])
@Check('chk_llm_extraction_runs_status', `status IN ('running', 'succeeded', 'failed', 'abandoned')`)
@Check('chk_llm_extraction_runs_mode', `mode IN ('incremental', 'full', 'dry_run')`)
@Check('chk_llm_extraction_runs_finished', `(status = 'running') = (finished_at IS NULL)`)
@Check(
  'chk_llm_extraction_runs_counts',
  `rows_read >= 0 AND patterns_created >= 0 AND patterns_updated >= 0 AND patterns_retired >= 0`,
)
@Check('chk_llm_extraction_runs_maintenance', `jsonb_typeof(maintenance) = 'array'`)
export class LlmExtractionRun {
  @PrimaryGeneratedColumn('uuid', {
    primaryKeyConstraintName: 'llm_extraction_runs_pkey',
    comment: 'Unique identifier',
  })
  id!: string;

  @Column({
    type: 'varchar',
    length: 16,
    default: 'running',
    comment: 'running, succeeded, failed, or abandoned (found running after its process died)',
  })
  status!: ExtractionRunStatus;

  @Column({
    type: 'varchar',
    length: 16,
    comment: 'incremental (from the watermark), full (rebuild from scratch) or dry_run',
  })
  mode!: ExtractionRunMode;

  @Column({ type: 'timestamp with time zone', default: () => 'now()', comment: 'When the run started' })
  started_at!: Date;

  @Column({
    type: 'timestamp with time zone',
    nullable: true,
    comment: 'When the run ended; NULL while running',
  })
  finished_at!: Date | null;

  @Column({
    type: 'timestamp with time zone',
    default: () => 'now()',
    comment: 'Last sign of life (updated every batch)',
  })
  heartbeat_at!: Date;

  /** bigint: a decimal string. */
  @Column({ type: 'bigint', nullable: true, comment: 'insert_xid of the watermark the run started from' })
  watermark_before_xid!: string | null;

  @Column({ type: 'uuid', nullable: true, comment: 'History id of the watermark the run started from' })
  watermark_before_id!: string | null;

  /** bigint: a decimal string. */
  @Column({ type: 'bigint', nullable: true, comment: 'insert_xid of the watermark the run reached' })
  watermark_after_xid!: string | null;

  @Column({ type: 'uuid', nullable: true, comment: 'History id of the watermark the run reached' })
  watermark_after_id!: string | null;

  /** bigint: a decimal string. */
  @Column({ type: 'bigint', default: 0, comment: 'History rows mined' })
  rows_read!: string;

  @Column({ type: 'integer', default: 0, comment: 'llm_patterns rows created' })
  patterns_created!: number;

  @Column({ type: 'integer', default: 0, comment: 'llm_patterns rows whose numbers or data changed' })
  patterns_updated!: number;

  @Column({
    type: 'integer',
    default: 0,
    comment: 'llm_patterns rows deleted because they no longer meet the thresholds',
  })
  patterns_retired!: number;

  @Column({
    type: 'jsonb',
    default: [],
    comment: 'Maintenance steps after mining: [{name, ok, ms, detail, error?}]',
  })
  maintenance!: MaintenanceStep[];

  @Column({ type: 'text', nullable: true, comment: 'Why the run failed or was abandoned' })
  error!: string | null;

  @Column({ type: 'jsonb', default: {}, comment: 'Options of the run (thresholds, batch size, range)' })
  options!: Record<string, unknown>;
}
