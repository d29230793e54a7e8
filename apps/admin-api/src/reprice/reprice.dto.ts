import { MAX_REPRICE_BATCH_SIZE } from '@llm-metrics/db/reprice';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsInstant } from '../common/instant';
import { IsOmittable } from '../common/validation';
import { TIER_NAME } from '../tiers/tiers.dto';

export class RepriceRequestDto {
  @ApiProperty({ description: 'Tier whose generations are repriced', example: 'cloud_fast', maxLength: 50 })
  @IsString()
  @Length(1, 50)
  @Matches(TIER_NAME, {
    message: 'must be lower-case letters, digits, _ - or ., starting with a letter or digit',
  })
  tier!: string;

  @ApiPropertyOptional({
    description: 'Only generations of this model_used; absent: every model of the tier',
  })
  @IsOmittable()
  @IsString()
  @Length(1, 255)
  model?: string;

  @ApiProperty({ description: 'First created_at included (ISO-8601)', format: 'date-time' })
  @IsInstant()
  from!: string;

  @ApiProperty({ description: 'First created_at excluded (ISO-8601); later than from', format: 'date-time' })
  @IsInstant()
  to!: string;

  @ApiPropertyOptional({
    description: 'true: rewrite the costs; false or absent: a dry run that only reports the difference',
    default: false,
  })
  @IsOmittable()
  @IsBoolean()
  apply?: boolean;

  @ApiPropertyOptional({
    description: `Rows read (and, applying, rewritten in one transaction) at a time, 1 to ${MAX_REPRICE_BATCH_SIZE}`,
    default: 1000,
  })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_REPRICE_BATCH_SIZE)
  batch_size?: number;
}

export class CostStatusCountsDto {
  @ApiProperty({ description: 'Rows now priced by a price version' })
  computed!: number;

  @ApiProperty({ description: 'Rows whose cost the caller provided (always kept)' })
  provided!: number;

  @ApiProperty({ description: 'Rows with no price in effect' })
  unpriced!: number;
}

export class CostStatusTransitionsDto {
  @ApiProperty({ description: 'Rows that were computed, by their new status', type: CostStatusCountsDto })
  computed!: CostStatusCountsDto;

  @ApiProperty({ description: 'Rows that were provided, by their new status', type: CostStatusCountsDto })
  provided!: CostStatusCountsDto;

  @ApiProperty({ description: 'Rows that were unpriced, by their new status', type: CostStatusCountsDto })
  unpriced!: CostStatusCountsDto;
}

export class RepriceResultDto {
  @ApiProperty({ description: 'Tier repriced' })
  tier!: string;

  @ApiProperty({ description: 'Model repriced; null: every model of the tier', nullable: true, type: String })
  model!: string | null;

  @ApiProperty({ description: 'First created_at included', format: 'date-time' })
  from!: Date;

  @ApiProperty({ description: 'First created_at excluded', format: 'date-time' })
  to!: Date;

  @ApiProperty({ description: 'false: a dry run, nothing was written; true: the costs were rewritten' })
  applied!: boolean;

  @ApiProperty({ description: 'Generations in the range' })
  rows_matched!: number;

  @ApiProperty({
    description: 'Generations whose cost, status or price version differs (would change, on a dry run)',
  })
  rows_changed!: number;

  @ApiProperty({
    description: 'Rows counted by cost status before (outer key) and after (inner key)',
    type: CostStatusTransitionsDto,
  })
  transitions!: CostStatusTransitionsDto;

  @ApiProperty({ description: 'Rows with no price after repricing (counted in neither total)' })
  rows_left_unpriced!: number;

  @ApiProperty({ description: 'Total cost before, USD (exact decimal string)', example: '12.345600000000' })
  old_total_usd!: string;

  @ApiProperty({ description: 'Total cost after, USD (exact decimal string)', example: '13.000000000000' })
  new_total_usd!: string;

  @ApiProperty({
    description: 'new_total_usd - old_total_usd, USD; negative when the cost falls',
    example: '0.654400000000',
  })
  difference_usd!: string;

  @ApiProperty({ description: 'Batches read' })
  batches!: number;
}
