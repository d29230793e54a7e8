import { REPORT_GROUP_FIELDS, type ReportGroupField } from '@llm-metrics/db/reports';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  Max,
  Min,
} from 'class-validator';
import { TimeRangeQueryDto, ToNumber } from '../common/query';

export const DEFAULT_GROUP_BY: readonly ReportGroupField[] = ['tier', 'model_used'];

export class ReportQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({
    description: `Comma-separated fields to group by, any of ${REPORT_GROUP_FIELDS.join(', ')} (day: UTC day)`,
    default: DEFAULT_GROUP_BY.join(','),
    example: 'tier,model_used',
    type: String,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((field) => field.trim()) : value,
  )
  @IsArray({ message: 'must be a comma-separated list' })
  @IsIn(REPORT_GROUP_FIELDS, {
    each: true,
    message: `must list fields among ${REPORT_GROUP_FIELDS.join(', ')}`,
  })
  @ArrayUnique({ message: 'must not repeat a field' })
  @ArrayMaxSize(REPORT_GROUP_FIELDS.length)
  group_by?: ReportGroupField[];
}

export class TopGenerationsQueryDto {
  @ApiPropertyOptional({
    description: 'Lowest quality_score included',
    default: 0.85,
    minimum: 0,
    maximum: 1,
  })
  @IsOptional()
  @ToNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  @Min(0)
  @Max(1)
  min_quality_score?: number;

  @ApiPropertyOptional({ description: 'Rows returned, 1 to 1000', default: 10, minimum: 1, maximum: 1000 })
  @IsOptional()
  @ToNumber()
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** The group columns of a report row; only the fields grouped by are present. */
class ReportGroupDto {
  @ApiPropertyOptional({ description: 'Model tier (when grouped by it)' })
  tier?: string;
  @ApiPropertyOptional({ description: 'Specific model (when grouped by it)' })
  model_used?: string;
  @ApiPropertyOptional({ description: 'ONEX node type (when grouped by it)' })
  node_type?: string;
  @ApiPropertyOptional({ description: 'Service name (when grouped by it)' })
  service_name?: string;
  @ApiPropertyOptional({ description: 'UTC day, YYYY-MM-DD (when grouped by it)' })
  day?: string;
}

export class CostRowDto extends ReportGroupDto {
  @ApiProperty({ description: 'Generations in the group (COUNT(*))' })
  generations!: number;
  @ApiProperty({ description: 'Sum of tokens_input' })
  tokens_input!: number;
  @ApiProperty({ description: 'Sum of tokens_output' })
  tokens_output!: number;
  @ApiProperty({ description: 'Sum of tokens_total' })
  tokens_total!: number;
  @ApiProperty({ description: 'Sum of tokens_cached_input' })
  tokens_cached_input!: number;
  @ApiProperty({ description: 'Sum of tokens_cache_write' })
  tokens_cache_write!: number;
  @ApiProperty({ description: 'Sum of tokens_reasoning' })
  tokens_reasoning!: number;
  @ApiProperty({
    description: 'Exact SUM(cost_usd), a decimal string; unpriced rows add nothing',
    example: '0.000460000000',
  })
  total_cost!: string;
  @ApiProperty({ description: 'Generations of the group with no price' })
  unpriced!: number;
  @ApiProperty({ description: 'AVG(latency_ms)' })
  avg_latency!: number;
}

export class LatencyRowDto extends ReportGroupDto {
  @ApiProperty({ description: 'Generations in the group' })
  generations!: number;
  @ApiProperty({ description: 'Median latency (ms), within 1.9% of percentile_cont' })
  p50_latency_ms!: number;
  @ApiProperty({ description: '95th percentile latency (ms), within 1.9%' })
  p95_latency_ms!: number;
  @ApiProperty({ description: '99th percentile latency (ms), within 1.9%' })
  p99_latency_ms!: number;
}

export class QualityRowDto extends ReportGroupDto {
  @ApiProperty({ description: 'Generations in the group' })
  generations!: number;
  @ApiProperty({ description: 'Share of checked rows whose code parses', nullable: true, type: Number })
  syntax_valid_rate!: number | null;
  @ApiProperty({
    description: 'Share of checked rows following ONEX conventions',
    nullable: true,
    type: Number,
  })
  onex_compliant_rate!: number | null;
  @ApiProperty({ description: 'Share of checked rows with type hints', nullable: true, type: Number })
  type_hints_rate!: number | null;
  @ApiProperty({ description: 'Share of rows truncated', nullable: true, type: Number })
  truncation_rate!: number | null;
  @ApiProperty({ description: 'History rows of the group' })
  history_rows!: number;
  @ApiProperty({ description: 'Mean quality_score of those history rows', nullable: true, type: Number })
  avg_quality_score!: number | null;
  @ApiProperty({
    description: 'Share of those history rows whose validation passed',
    nullable: true,
    type: Number,
  })
  validation_pass_rate!: number | null;
}

export class TopGenerationDto {
  @ApiProperty({ description: 'ONEX node type (history)' })
  node_type!: string;
  @ApiProperty({ description: 'Method name (history)' })
  method_name!: string;
  @ApiProperty({ description: 'Quality score (history)' })
  quality_score!: number;
  @ApiProperty({ description: 'Model used (metrics)' })
  model_used!: string;
  @ApiProperty({ description: 'Total tokens (metrics)' })
  tokens_total!: number;
}

export class CostReportDto {
  @ApiProperty({ description: 'One row per group, most expensive first', type: [CostRowDto] })
  data!: CostRowDto[];
  @ApiProperty({ description: 'Generations of the range with no price (their cost is not in total_cost)' })
  unpriced_generations!: number;
}

export class LatencyReportDto {
  @ApiProperty({ description: 'One row per group', type: [LatencyRowDto] })
  data!: LatencyRowDto[];
  @ApiProperty({ description: 'Generations of the range with no price' })
  unpriced_generations!: number;
}

export class QualityReportDto {
  @ApiProperty({ description: 'One row per group', type: [QualityRowDto] })
  data!: QualityRowDto[];
  @ApiProperty({ description: 'Generations of the range with no price' })
  unpriced_generations!: number;
}

export class TopGenerationsDto {
  @ApiProperty({ description: "The seed's high-quality join, best first", type: [TopGenerationDto] })
  data!: TopGenerationDto[];
}
