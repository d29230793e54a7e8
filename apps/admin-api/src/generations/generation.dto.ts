import { COST_STATUSES, type CostStatus } from '@llm-metrics/db/entities';
import { FINISH_REASONS } from '@llm-metrics/db/generation';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto, TextFilter, UuidFilter } from '../common/query';

/**
 * One generation as a service reports it (documentation of the body; the db package's
 * `prepareGeneration` validates it, exactly as the collector does).
 */
export class GenerationInputDto {
  @ApiPropertyOptional({
    description: 'Row id; made by the server when absent. Resending it writes nothing twice',
    format: 'uuid',
  })
  id?: string;
  @ApiPropertyOptional({
    description: 'Links related operations and the history row; made when absent',
    format: 'uuid',
  })
  correlation_id?: string;
  @ApiPropertyOptional({ description: 'Code generation session', format: 'uuid', nullable: true })
  session_id?: string | null;
  @ApiProperty({ description: 'ONEX node type (effect, compute, reducer, orchestrator)', maxLength: 50 })
  node_type!: string;
  @ApiProperty({ description: 'Service the code was generated for', maxLength: 255 })
  service_name!: string;
  @ApiProperty({ description: 'Method being generated', maxLength: 255 })
  method_name!: string;
  @ApiPropertyOptional({ description: 'Operation type', default: 'method_implementation', maxLength: 100 })
  operation_type?: string;
  @ApiProperty({ description: 'Model tier (local, cloud_fast, cloud_premium, …)', maxLength: 50 })
  tier!: string;
  @ApiProperty({ description: 'Specific model, e.g. glm-4.5', maxLength: 255 })
  model_used!: string;
  @ApiProperty({ description: 'Input tokens', minimum: 0 })
  tokens_input!: number;
  @ApiProperty({ description: 'Output tokens', minimum: 0 })
  tokens_output!: number;
  @ApiPropertyOptional({ description: 'Total tokens; default input + output', minimum: 0 })
  tokens_total?: number;
  @ApiPropertyOptional({
    description: 'Part of tokens_input read from a prompt cache',
    minimum: 0,
    nullable: true,
  })
  tokens_cached_input?: number | null;
  @ApiPropertyOptional({
    description: 'Part of tokens_input written to a prompt cache',
    minimum: 0,
    nullable: true,
  })
  tokens_cache_write?: number | null;
  @ApiPropertyOptional({
    description: 'Part of tokens_output spent on reasoning',
    minimum: 0,
    nullable: true,
  })
  tokens_reasoning?: number | null;
  @ApiProperty({ description: 'Generation latency in milliseconds', minimum: 0 })
  latency_ms!: number;
  @ApiPropertyOptional({
    description:
      'A cost the caller measured (decimal string); wins over the price. Absent: priced by tier and model',
    example: '0.00046',
    nullable: true,
  })
  cost_usd?: string | null;
  @ApiPropertyOptional({ description: 'Generated code parses', nullable: true })
  syntax_valid?: boolean | null;
  @ApiPropertyOptional({ description: 'Generated code follows ONEX conventions', nullable: true })
  onex_compliant?: boolean | null;
  @ApiPropertyOptional({ description: 'Generated code has type hints', nullable: true })
  has_type_hints?: boolean | null;
  @ApiPropertyOptional({ description: 'Security issues found (JSON array)', type: 'array', items: {} })
  security_issues?: unknown[];
  @ApiPropertyOptional({ description: 'Completion reason', enum: FINISH_REASONS, nullable: true })
  finish_reason?: string | null;
  @ApiPropertyOptional({ description: 'Response was truncated; default: finish_reason is length' })
  truncated?: boolean;
  @ApiPropertyOptional({
    description: 'Prompt length in characters; default: length of prompt_text',
    nullable: true,
  })
  prompt_length?: number | null;
  @ApiPropertyOptional({
    description: 'Response length in characters; default: length of generated_code',
    nullable: true,
  })
  response_length?: number | null;
  @ApiPropertyOptional({
    description: 'When the generation happened (ISO 8601 with zone); default now',
    format: 'date-time',
  })
  created_at?: string;
  @ApiPropertyOptional({ description: 'The prompt; with generated_code, records the history row too' })
  prompt_text?: string;
  @ApiPropertyOptional({ description: 'The generated code; with prompt_text, records the history row too' })
  generated_code?: string;
  @ApiPropertyOptional({
    description: 'Quality score 0 to 1; required with a history row',
    minimum: 0,
    maximum: 1,
  })
  quality_score?: number;
  @ApiPropertyOptional({ description: 'Validation result; required with a history row' })
  validation_passed?: boolean;
  @ApiPropertyOptional({ description: 'User accepted the code (history row)', nullable: true })
  user_accepted?: boolean | null;
  @ApiPropertyOptional({ description: 'User feedback text (history row)', nullable: true })
  user_feedback?: string | null;
  @ApiPropertyOptional({ description: 'User had to edit the code (history row)', nullable: true })
  manual_edits_required?: boolean | null;
}

export class RecordedGenerationDto {
  @ApiProperty({ description: 'Id of the metrics row', format: 'uuid' })
  id!: string;
  @ApiProperty({ description: 'Correlation id (given or made)', format: 'uuid' })
  correlation_id!: string;
  @ApiProperty({
    description: 'Id of the history row, when prompt_text or generated_code was given',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  history_id!: string | null;
  @ApiProperty({
    description: 'Cost stored on the row (decimal string); null when unpriced',
    nullable: true,
    type: String,
  })
  cost_usd!: string | null;
  @ApiProperty({ description: 'How the cost came to be', enum: COST_STATUSES })
  cost_status!: CostStatus;
  @ApiProperty({
    description: 'Price version that priced the row, when computed',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  price_version_id!: string | null;
}

export class RecordedGenerationsDto {
  @ApiProperty({
    description: 'One entry per item of the request, in its order',
    type: [RecordedGenerationDto],
  })
  data!: RecordedGenerationDto[];
}

export class GenerationDto {
  @ApiProperty({ description: 'Unique identifier', format: 'uuid' })
  id!: string;
  @ApiProperty({ description: 'Links related operations (and the history row)', format: 'uuid' })
  correlation_id!: string;
  @ApiProperty({ description: 'Code generation session', format: 'uuid', nullable: true, type: String })
  session_id!: string | null;
  @ApiProperty({ description: 'ONEX node type' })
  node_type!: string;
  @ApiProperty({ description: 'Service name' })
  service_name!: string;
  @ApiProperty({ description: 'Method being generated' })
  method_name!: string;
  @ApiProperty({ description: 'Operation type' })
  operation_type!: string;
  @ApiProperty({ description: 'Model tier' })
  tier!: string;
  @ApiProperty({ description: 'Specific model' })
  model_used!: string;
  @ApiProperty({ description: 'Input tokens' })
  tokens_input!: number;
  @ApiProperty({ description: 'Output tokens' })
  tokens_output!: number;
  @ApiProperty({ description: 'Total tokens' })
  tokens_total!: number;
  @ApiProperty({ description: 'Input tokens read from a prompt cache', nullable: true, type: Number })
  tokens_cached_input!: number | null;
  @ApiProperty({ description: 'Input tokens written to a prompt cache', nullable: true, type: Number })
  tokens_cache_write!: number | null;
  @ApiProperty({ description: 'Reasoning tokens', nullable: true, type: Number })
  tokens_reasoning!: number | null;
  @ApiProperty({ description: 'Latency in milliseconds' })
  latency_ms!: number;
  @ApiProperty({
    description: 'Cost in USD (decimal string); null when unpriced',
    nullable: true,
    type: String,
  })
  cost_usd!: string | null;
  @ApiProperty({ description: 'How cost_usd came to be', enum: COST_STATUSES })
  cost_status!: CostStatus;
  @ApiProperty({
    description: 'Price version used, when computed',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  price_version_id!: string | null;
  @ApiProperty({ description: 'Generated code parses', nullable: true, type: Boolean })
  syntax_valid!: boolean | null;
  @ApiProperty({ description: 'Follows ONEX conventions', nullable: true, type: Boolean })
  onex_compliant!: boolean | null;
  @ApiProperty({ description: 'Has type hints', nullable: true, type: Boolean })
  has_type_hints!: boolean | null;
  @ApiProperty({ description: 'Security issues (JSON array)', type: 'array', items: {} })
  security_issues!: unknown[];
  @ApiProperty({ description: 'Completion reason', nullable: true, type: String })
  finish_reason!: string | null;
  @ApiProperty({ description: 'Response was truncated' })
  truncated!: boolean;
  @ApiProperty({ description: 'Prompt length in characters', nullable: true, type: Number })
  prompt_length!: number | null;
  @ApiProperty({ description: 'Response length in characters', nullable: true, type: Number })
  response_length!: number | null;
  @ApiProperty({ description: 'When the generation was recorded', format: 'date-time' })
  created_at!: Date;
}

export class GenerationPageDto {
  @ApiProperty({ description: 'Generations, newest first', type: [GenerationDto] })
  data!: GenerationDto[];
  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  next_cursor!: string | null;
}

export class GenerationListQueryDto extends PageQueryDto {
  @TextFilter('Model tier', 50)
  tier?: string;
  @TextFilter('Specific model', 255)
  model_used?: string;
  @TextFilter('ONEX node type', 50)
  node_type?: string;
  @TextFilter('Service name', 255)
  service_name?: string;
  @TextFilter('Method name', 255)
  method_name?: string;
  @UuidFilter('Code generation session')
  session_id?: string;
  @UuidFilter('Correlation id')
  correlation_id?: string;
  @TextFilter('Completion reason', 50)
  finish_reason?: string;

  @ApiPropertyOptional({ description: 'How the cost came to be', enum: COST_STATUSES })
  @IsOptional()
  @IsIn(COST_STATUSES)
  cost_status?: CostStatus;
}
