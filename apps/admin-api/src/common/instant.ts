import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/** A calendar date (UTC midnight) or a date-time with its offset: never the server's time zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;
const MESSAGE =
  'must be an ISO-8601 date or date-time with an offset, such as 2026-03-01 or 2026-03-01T12:00:00Z';

/** An instant in time, as a string the server reads the same way whatever its own time zone. */
export const IsInstant = () =>
  applyDecorators(
    Matches(INSTANT, { message: MESSAGE }),
    IsISO8601({ strict: true, strictSeparator: true }, { message: MESSAGE }),
  );
