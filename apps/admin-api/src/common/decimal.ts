import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';
import { applyDecorators } from '@nestjs/common';

/** `numeric(20,10)`: at most 10 integer digits and 10 decimal places, never negative. */
const PRICE = /^\d{1,10}(\.\d{1,10})?$/;

/**
 * A USD price per 1M tokens, as a decimal string or a JSON number. A number is taken by its shortest
 * decimal spelling (`0.3` → `"0.3"`); one whose spelling does not fit (`1e-7`, or
 * `0.30000000000000004`, what float arithmetic made of 0.1 + 0.2) is refused rather than rounded, so
 * no price silently loses digits on its way in.
 */
export const IsPrice = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'number' && Number.isFinite(value) ? String(value) : value,
    ),
    Matches(PRICE, {
      message: 'must be a decimal >= 0 with at most 10 digits before and 10 after the point, e.g. "0.25"',
    }),
  );
