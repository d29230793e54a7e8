import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNumber, IsOptional, IsString, Max, MaxLength, Min, NotContains } from 'class-validator';
import { PageQueryDto, TextFilter, ToBoolean, ToNumber, UuidFilter } from '../common/query';

/** Longest feedback text accepted. */
export const MAX_FEEDBACK_LENGTH = 100_000;

/** A history row reported on its own (documentation; the db package's `prepareHistory` validates it). */
export class HistoryInputDto {
  @ApiProperty({
    description: 'Correlation id of the generation (joins llm_generation_metrics)',
    format: 'uuid',
  })
  correlation_id!: string;
  @ApiProperty({ description: 'ONEX node type', maxLength: 50 })
  node_type!: string;
  @ApiProperty({ description: 'Method name', maxLength: 255 })
  method_name!: string;
  @ApiProperty({ description: 'Full prompt sent to the LLM' })
  prompt_text!: string;
  @ApiProperty({ description: 'Generated code or logic' })
  generated_code!: string;
  @ApiProperty({ description: 'Quality score from 0.0 to 1.0', minimum: 0, maximum: 1 })
  quality_score!: number;
  @ApiProperty({ description: 'Whether validation passed' })
  validation_passed!: boolean;
  @ApiPropertyOptional({ description: 'Whether the user accepted the code', nullable: true })
  user_accepted?: boolean | null;
  @ApiPropertyOptional({ description: 'User feedback text', nullable: true })
  user_feedback?: string | null;
  @ApiPropertyOptional({ description: 'Whether the user had to edit the code', nullable: true })
  manual_edits_required?: boolean | null;
  @ApiPropertyOptional({
    description: 'When the generation happened (ISO 8601 with zone); default now',
    format: 'date-time',
  })
  created_at?: string;
}

export class HistoryDto {
  @ApiProperty({ description: 'Unique identifier', format: 'uuid' })
  id!: string;
  @ApiProperty({ description: 'Links to llm_generation_metrics', format: 'uuid' })
  correlation_id!: string;
  @ApiProperty({ description: 'ONEX node type' })
  node_type!: string;
  @ApiProperty({ description: 'Method name' })
  method_name!: string;
  @ApiProperty({ description: 'Full prompt sent to the LLM' })
  prompt_text!: string;
  @ApiProperty({ description: 'Generated code or logic' })
  generated_code!: string;
  @ApiProperty({ description: 'Quality score from 0.0 to 1.0' })
  quality_score!: number;
  @ApiProperty({ description: 'Whether validation passed' })
  validation_passed!: boolean;
  @ApiProperty({
    description: 'Whether the user accepted the code; null until known',
    nullable: true,
    type: Boolean,
  })
  user_accepted!: boolean | null;
  @ApiProperty({ description: 'User feedback text', nullable: true, type: String })
  user_feedback!: string | null;
  @ApiProperty({
    description: 'Whether the user had to edit the code; null until known',
    nullable: true,
    type: Boolean,
  })
  manual_edits_required!: boolean | null;
  @ApiProperty({ description: 'When the generation was recorded', format: 'date-time' })
  created_at!: Date;
}

export class RecordedHistoryDto {
  @ApiProperty({ description: 'Id of the history row', format: 'uuid' })
  id!: string;
  @ApiProperty({ description: 'Its correlation id', format: 'uuid' })
  correlation_id!: string;
}

export class RecordedHistoriesDto {
  @ApiProperty({ description: 'One entry per item of the request, in its order', type: [RecordedHistoryDto] })
  data!: RecordedHistoryDto[];
}

export class HistoryPageDto {
  @ApiProperty({ description: 'History rows, newest first', type: [HistoryDto] })
  data!: HistoryDto[];
  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  next_cursor!: string | null;
}

export class HistoryListQueryDto extends PageQueryDto {
  @TextFilter('ONEX node type', 50)
  node_type?: string;
  @TextFilter('Method name', 255)
  method_name?: string;
  @UuidFilter('Correlation id')
  correlation_id?: string;

  @ApiPropertyOptional({ description: 'Lowest quality_score included', minimum: 0, maximum: 1 })
  @IsOptional()
  @ToNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  @Min(0)
  @Max(1)
  min_quality?: number;

  @ApiPropertyOptional({ description: 'Highest quality_score included', minimum: 0, maximum: 1 })
  @IsOptional()
  @ToNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  @Min(0)
  @Max(1)
  max_quality?: number;

  @ApiPropertyOptional({ description: 'Only rows whose validation passed (true) or failed (false)' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean({ message: 'must be true or false' })
  validation_passed?: boolean;

  @ApiPropertyOptional({ description: 'Only rows the user accepted (true) or refused (false)' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean({ message: 'must be true or false' })
  user_accepted?: boolean;
}

/** Feedback on a history row; give at least one field. null sets a field back to unknown. */
export class FeedbackDto {
  @ApiPropertyOptional({ description: 'Whether the user accepted the code', nullable: true, type: Boolean })
  @IsOptional()
  @IsBoolean()
  user_accepted?: boolean | null;

  @ApiPropertyOptional({
    description: 'User feedback text',
    nullable: true,
    type: String,
    maxLength: MAX_FEEDBACK_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FEEDBACK_LENGTH)
  @NotContains('\u0000', { message: 'must not contain the NUL character' })
  user_feedback?: string | null;

  @ApiPropertyOptional({
    description: 'Whether the user had to edit the code',
    nullable: true,
    type: Boolean,
  })
  @IsOptional()
  @IsBoolean()
  manual_edits_required?: boolean | null;
}
