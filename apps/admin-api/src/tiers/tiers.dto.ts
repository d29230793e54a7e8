import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsPrice } from '../common/decimal';
import { IsInstant } from '../common/instant';
import { IsOmittable } from '../common/validation';

/** `varchar(50)`: lower-case letters, digits, `_`, `-` and `.`, starting with a letter or digit. */
export const TIER_NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const INT4_MAX = 2_147_483_647;

const PRICE_EXAMPLE = '0.25';
const EFFECTIVE_FROM =
  'When the new price starts to apply (ISO-8601 date, UTC, or date-time with an offset); default now. A future instant ' +
  'schedules the change; generations already recorded keep their cost either way';

/** The prices a change may set; shared by creation and update. */
class PriceFields {
  @ApiPropertyOptional({
    description: 'USD per 1M cached input (cache read) tokens; null or absent: the input price',
    example: '0.05',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsPrice()
  cost_per_1m_cached_input_usd?: string | null;

  @ApiPropertyOptional({
    description: 'USD per 1M cache write tokens; null or absent: the input price',
    example: '0.3',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsPrice()
  cost_per_1m_cache_write_usd?: string | null;

  @ApiPropertyOptional({
    description: 'USD per 1M reasoning tokens; null or absent: the output price',
    example: '1.2',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsPrice()
  cost_per_1m_reasoning_usd?: string | null;

  @ApiPropertyOptional({ description: EFFECTIVE_FROM, format: 'date-time' })
  @IsOmittable()
  @IsInstant()
  effective_from?: string;
}

export class CreateTierDto extends PriceFields {
  @ApiProperty({
    description: 'Tier identifier: lower-case letters, digits, _ - and ., at most 50 characters',
    example: 'cloud_reasoning',
    maxLength: 50,
    pattern: TIER_NAME.source,
  })
  @IsString()
  @Length(1, 50)
  @Matches(TIER_NAME, {
    message: 'must be lower-case letters, digits, _ - or ., starting with a letter or digit',
  })
  tier!: string;

  @ApiProperty({ description: 'Model the tier uses', example: 'glm-4.6', maxLength: 255 })
  @IsString()
  @Length(1, 255)
  @Matches(/\S/, { message: 'must not be blank' })
  model_name!: string;

  @ApiProperty({ description: 'Context window in tokens (> 0)', example: 128000, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  max_tokens!: number;

  @ApiProperty({
    description: 'USD per 1M input tokens: a decimal string (or a number that is one exactly), >= 0',
    example: PRICE_EXAMPLE,
    type: String,
  })
  @IsPrice()
  cost_per_1m_input_usd!: string;

  @ApiProperty({
    description: 'USD per 1M output tokens: a decimal string (or a number that is one exactly), >= 0',
    example: PRICE_EXAMPLE,
    type: String,
  })
  @IsPrice()
  cost_per_1m_output_usd!: string;

  @ApiPropertyOptional({ description: 'Whether the model streams responses; default true' })
  @IsOmittable()
  @IsBoolean()
  supports_streaming?: boolean;

  @ApiPropertyOptional({ description: 'Whether the tier is in use; default true' })
  @IsOmittable()
  @IsBoolean()
  is_active?: boolean;
}

/** Every field optional; a price or model change adds a price version, the rest updates the tier. */
export class UpdateTierDto extends PriceFields {
  @ApiPropertyOptional({ description: 'Model the tier uses from effective_from on', maxLength: 255 })
  @IsOmittable()
  @IsString()
  @Length(1, 255)
  @Matches(/\S/, { message: 'must not be blank' })
  model_name?: string;

  @ApiPropertyOptional({ description: 'Context window in tokens (> 0)', minimum: 1 })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  max_tokens?: number;

  @ApiPropertyOptional({
    description: 'USD per 1M input tokens from effective_from on; absent: unchanged',
    example: PRICE_EXAMPLE,
    type: String,
  })
  @IsOmittable()
  @IsPrice()
  cost_per_1m_input_usd?: string;

  @ApiPropertyOptional({
    description: 'USD per 1M output tokens from effective_from on; absent: unchanged',
    example: PRICE_EXAMPLE,
    type: String,
  })
  @IsOmittable()
  @IsPrice()
  cost_per_1m_output_usd?: string;

  @ApiPropertyOptional({ description: 'Whether the model streams responses' })
  @IsOmittable()
  @IsBoolean()
  supports_streaming?: boolean;

  @ApiPropertyOptional({ description: 'Whether the tier is in use (DELETE sets false)' })
  @IsOmittable()
  @IsBoolean()
  is_active?: boolean;
}

export class TierDto {
  @ApiProperty({ description: 'Unique identifier', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Tier identifier', example: 'cloud_fast' })
  tier!: string;

  @ApiProperty({ description: 'Model of the price version in effect now', example: 'glm-4.5' })
  model_name!: string;

  @ApiProperty({ description: 'Context window in tokens', example: 128000 })
  max_tokens!: number;

  @ApiProperty({ description: 'USD per 1M input tokens in effect now (decimal string)', example: '0.2' })
  cost_per_1m_input_usd!: string;

  @ApiProperty({ description: 'USD per 1M output tokens in effect now (decimal string)', example: '0.2' })
  cost_per_1m_output_usd!: string;

  @ApiProperty({ description: 'Whether the model streams responses' })
  supports_streaming!: boolean;

  @ApiProperty({ description: 'Whether the tier is in use; false once deleted' })
  is_active!: boolean;

  @ApiProperty({ description: 'Last change of this row', format: 'date-time' })
  updated_at!: Date;
}

export class TierListDto {
  @ApiProperty({ description: 'Every tier, inactive ones included, by name', type: [TierDto] })
  data!: TierDto[];
}

export class PriceVersionDto {
  @ApiProperty({ description: 'Unique identifier; metrics rows priced by it point here', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Tier the price applies to' })
  tier!: string;

  @ApiProperty({ description: 'Model the price applies to' })
  model_name!: string;

  @ApiProperty({ description: 'USD per 1M input tokens (decimal string)' })
  cost_per_1m_input_usd!: string;

  @ApiProperty({ description: 'USD per 1M output tokens (decimal string)' })
  cost_per_1m_output_usd!: string;

  @ApiProperty({
    description: 'USD per 1M cached input tokens; null: the input price',
    nullable: true,
    type: String,
  })
  cost_per_1m_cached_input_usd!: string | null;

  @ApiProperty({
    description: 'USD per 1M cache write tokens; null: the input price',
    nullable: true,
    type: String,
  })
  cost_per_1m_cache_write_usd!: string | null;

  @ApiProperty({
    description: 'USD per 1M reasoning tokens; null: the output price',
    nullable: true,
    type: String,
  })
  cost_per_1m_reasoning_usd!: string | null;

  @ApiProperty({
    description: 'First instant the price applies to; null: since the beginning of history',
    format: 'date-time',
    nullable: true,
    type: String,
  })
  effective_from!: Date | null;

  @ApiProperty({
    description: 'First instant it no longer applies to; null while it is the latest',
    format: 'date-time',
    nullable: true,
    type: String,
  })
  effective_to!: Date | null;

  @ApiProperty({ description: 'Whether this version is the one in effect now' })
  in_effect!: boolean;

  @ApiProperty({ description: 'When the version was added', format: 'date-time' })
  created_at!: Date;
}

export class PriceVersionListDto {
  @ApiProperty({ description: 'The price history of the tier, oldest start first', type: [PriceVersionDto] })
  data!: PriceVersionDto[];
}
