import { PATTERN_TYPES, type PatternType } from '@llm-metrics/db/entities';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  NotContains,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../common/json-depth';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TextFilter, ToNumber } from '../common/query';

export const PATTERN_SORTS = ['quality', 'usage', 'recency'] as const;
export type PatternSort = (typeof PATTERN_SORTS)[number];

export class PatternDto {
  @ApiProperty({ description: 'Unique identifier', format: 'uuid' })
  id!: string;
  @ApiProperty({ description: 'Pattern type', enum: PATTERN_TYPES })
  pattern_type!: PatternType;
  @ApiProperty({ description: 'Associated ONEX node type, if any', nullable: true, type: String })
  node_type!: string | null;
  @ApiProperty({
    description: 'Pattern details (template or signature, slots, examples, …)',
    type: 'object',
    additionalProperties: true,
  })
  pattern_data!: Record<string, unknown>;
  @ApiProperty({ description: 'How many generations used or matched the pattern' })
  usage_count!: number;
  @ApiProperty({ description: 'Average quality score of those generations', nullable: true, type: Number })
  avg_quality_score!: number | null;
  @ApiProperty({ description: 'When the pattern was first found', format: 'date-time' })
  created_at!: Date;
  @ApiProperty({
    description: 'When the pattern was last used or matched',
    format: 'date-time',
    nullable: true,
    type: String,
  })
  last_used_at!: Date | null;
}

export class PatternPageDto {
  @ApiProperty({ description: 'Patterns in the order asked for', type: [PatternDto] })
  data!: PatternDto[];
  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  next_cursor!: string | null;
}

export class PatternListQueryDto {
  @ApiPropertyOptional({ description: 'Pattern type', enum: PATTERN_TYPES })
  @IsOptional()
  @IsIn(PATTERN_TYPES)
  pattern_type?: PatternType;

  @TextFilter('ONEX node type', 50)
  node_type?: string;

  @ApiPropertyOptional({
    description:
      'quality: avg_quality_score, highest first (unscored last); usage: usage_count, highest first; recency: last used (or found), newest first',
    enum: PATTERN_SORTS,
    default: 'quality',
  })
  @IsOptional()
  @IsIn(PATTERN_SORTS)
  sort?: PatternSort;

  @ApiPropertyOptional({ description: '`next_cursor` of the previous page (same sort)' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;

  @ApiPropertyOptional({ description: `Rows per page, 1 to ${MAX_PAGE_SIZE}`, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @ToNumber()
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

/**
 * A JSON document the database takes: jsonb cannot hold the NUL character, and very deep nesting
 * would exhaust the stack of whoever serialises it; both are refused here.
 */
function StorableJson() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'storableJson',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must nest at most ${MAX_JSON_DEPTH} levels and not contain the NUL character`,
      },
      validator: {
        validate: (value: unknown) =>
          !nestsDeeperThan(value) && !JSON.stringify(value ?? null).includes('\\u0000'),
      },
    });
}

/**
 * Curation of a pattern (admins): what a person may correct. `pattern_type` is the pattern's
 * identity (the miner keys its upserts on type + fingerprint) and `usage_count`/`last_used_at` are
 * moved by `POST /uses` and the miner, so they are not editable here.
 */
export class UpdatePatternDto {
  @ApiPropertyOptional({
    description: 'Replaces the pattern details (an object)',
    type: 'object',
    additionalProperties: true,
  })
  // Not @IsOptional: that would let null through, and pattern_data is never null.
  @ValidateIf((_, value) => value !== undefined)
  @IsObject()
  @StorableJson()
  pattern_data?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Average quality score, 0 to 1; null: unscored',
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  avg_quality_score?: number | null;

  @ApiPropertyOptional({
    description: 'Associated ONEX node type; null: none',
    nullable: true,
    type: String,
    maxLength: 50,
  })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  @NotContains('\u0000', { message: 'must not contain the NUL character' })
  node_type?: string | null;
}
