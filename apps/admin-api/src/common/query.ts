import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  NotContains,
} from 'class-validator';
import { applyDecorators } from '@nestjs/common';
import { ApiException } from './api-error';

/** Largest page any list serves. */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A query value that looks like a number becomes one; anything else stays as given, for the validator to refuse. */
export const ToNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value,
  );

/** `true`/`false` in a query string become booleans; anything else stays as given. */
export const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/**
 * An optional text filter: an exact match on a column of `maxLength` characters. NUL is refused here
 * because PostgreSQL text cannot hold it (the driver would fail, not the filter).
 */
export const TextFilter = (description: string, maxLength: number) =>
  applyDecorators(
    ApiPropertyOptional({ description, maxLength }),
    IsOptional(),
    IsString(),
    Length(1, maxLength),
    NotContains('\u0000', { message: 'must not contain the NUL character' }),
  );

export const UuidFilter = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, format: 'uuid' }),
    IsOptional(),
    IsUUID('loose', { message: 'must be a UUID' }),
  );

/** `from`/`to` of a list or report; the service applies the default and the cap (`resolveRange`). */
export class TimeRangeQueryDto {
  @ApiPropertyOptional({
    description: 'First instant included (ISO 8601); default: `to` minus the default window',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({
    description: 'First instant excluded (ISO 8601); default: now',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  to?: string;
}

/** A time-bounded list with cursor pagination. */
export class PageQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ description: '`next_cursor` of the previous page, as it was handed out' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;

  @ApiPropertyOptional({
    description: `Rows per page, 1 to ${MAX_PAGE_SIZE}`,
    default: DEFAULT_PAGE_SIZE,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
  })
  @IsOptional()
  @ToNumber()
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export interface RangeLimits {
  /** Window when `from` is not given. */
  readonly defaultMs: number;
  /** Longest `to - from` accepted. */
  readonly maxMs: number;
}

export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

export const DAY_MS = 24 * 3600_000;

/** Row lists (generations, history) default to the last day and span at most 31 days per request. */
export const LIST_RANGE: RangeLimits = { defaultMs: DAY_MS, maxMs: 31 * DAY_MS };

/** `[from, to)` with its defaults; empty, reversed or over-long ranges are a 400 naming the field. */
export function resolveRange(query: TimeRangeQueryDto, limits: RangeLimits, now = new Date()): TimeRange {
  const to = query.to === undefined ? now : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - limits.defaultMs) : new Date(query.from);
  if (Number.isNaN(to.getTime())) throw ApiException.invalid('to', 'must be a valid date-time');
  if (Number.isNaN(from.getTime())) throw ApiException.invalid('from', 'must be a valid date-time');
  if (from.getTime() >= to.getTime()) throw ApiException.invalid('from', 'must be before to');
  if (to.getTime() - from.getTime() > limits.maxMs) {
    throw ApiException.invalid('from', `must be at most ${Math.round(limits.maxMs / DAY_MS)} days before to`);
  }
  return { from, to };
}
