import {
  EXTRACTION_RUN_MODES,
  EXTRACTION_RUN_STATUSES,
  type ExtractionRunMode,
  type ExtractionRunStatus,
} from '@llm-metrics/db/entities';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ToNumber } from '../common/query';

/** Runs are few (one a night): pages are small. */
export const MAX_RUNS_PAGE_SIZE = 200;
export const DEFAULT_RUNS_PAGE_SIZE = 20;

export class ExtractionRunListQueryDto {
  @ApiPropertyOptional({ description: 'Only runs with this status', enum: EXTRACTION_RUN_STATUSES })
  @IsOptional()
  @IsIn(EXTRACTION_RUN_STATUSES)
  status?: ExtractionRunStatus;

  @ApiPropertyOptional({ description: 'Only runs of this mode', enum: EXTRACTION_RUN_MODES })
  @IsOptional()
  @IsIn(EXTRACTION_RUN_MODES)
  mode?: ExtractionRunMode;

  @ApiPropertyOptional({ description: '`next_cursor` of the previous page, as it was handed out' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;

  @ApiPropertyOptional({
    description: `Runs per page, 1 to ${MAX_RUNS_PAGE_SIZE}`,
    default: DEFAULT_RUNS_PAGE_SIZE,
  })
  @IsOptional()
  @ToNumber()
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(MAX_RUNS_PAGE_SIZE)
  limit?: number;
}

export class MaintenanceStepDto {
  @ApiProperty({ description: 'Step: partitions, metrics_rollup, history_rollup or retention' })
  name!: string;

  @ApiProperty({ description: 'Whether the step succeeded' })
  ok!: boolean;

  @ApiProperty({ description: 'How long it took, in milliseconds' })
  ms!: number;

  @ApiProperty({ description: 'What it did, in words' })
  detail!: string;

  @ApiPropertyOptional({ description: 'Why it failed' })
  error?: string;
}

export class ExtractionRunDto {
  @ApiProperty({ description: 'Unique identifier', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'running, succeeded, failed or abandoned', enum: EXTRACTION_RUN_STATUSES })
  status!: ExtractionRunStatus;

  @ApiProperty({ description: 'incremental, full or dry_run', enum: EXTRACTION_RUN_MODES })
  mode!: ExtractionRunMode;

  @ApiProperty({ description: 'When the run started', format: 'date-time' })
  started_at!: Date;

  @ApiProperty({
    description: 'When it ended; null while running',
    format: 'date-time',
    nullable: true,
    type: String,
  })
  finished_at!: Date | null;

  @ApiProperty({ description: 'Last sign of life of the run', format: 'date-time' })
  heartbeat_at!: Date;

  @ApiProperty({
    description: 'insert_xid of the watermark the run started from',
    nullable: true,
    type: String,
  })
  watermark_before_xid!: string | null;

  @ApiProperty({
    description: 'History id of the watermark the run started from',
    nullable: true,
    type: String,
  })
  watermark_before_id!: string | null;

  @ApiProperty({ description: 'insert_xid of the watermark the run reached', nullable: true, type: String })
  watermark_after_xid!: string | null;

  @ApiProperty({ description: 'History id of the watermark the run reached', nullable: true, type: String })
  watermark_after_id!: string | null;

  @ApiProperty({ description: 'History rows mined' })
  rows_read!: number;

  @ApiProperty({ description: 'llm_patterns rows created' })
  patterns_created!: number;

  @ApiProperty({ description: 'llm_patterns rows whose numbers or data changed' })
  patterns_updated!: number;

  @ApiProperty({ description: 'llm_patterns rows removed because they no longer met the thresholds' })
  patterns_retired!: number;

  @ApiProperty({ description: 'Maintenance steps done after mining', type: [MaintenanceStepDto] })
  maintenance!: MaintenanceStepDto[];

  @ApiProperty({ description: 'Why the run failed or was abandoned', nullable: true, type: String })
  error!: string | null;

  @ApiProperty({
    description: 'Options of the run (thresholds, batch size, range)',
    type: 'object',
    additionalProperties: true,
  })
  options!: Record<string, unknown>;
}

export class ExtractionRunPageDto {
  @ApiProperty({ description: 'Runs, newest first', type: [ExtractionRunDto] })
  data!: ExtractionRunDto[];

  @ApiProperty({ description: 'Cursor of the next page; null on the last one', nullable: true, type: String })
  next_cursor!: string | null;
}
