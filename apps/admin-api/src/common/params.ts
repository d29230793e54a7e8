import { Param, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { ApiException } from './api-error';

/** A route parameter that must be a UUID: anything else is a 400 naming it, never a database error. */
export const UuidParam = (name: string) =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => ApiException.invalid(name, 'must be a UUID') }));

/** A route parameter that must match `pattern` and fit `maxLength`: a 400 naming it otherwise. */
export const PatternParam = (name: string, pattern: RegExp, maxLength: number) =>
  Param(name, {
    transform(value: string): string {
      if (value.length > maxLength || !pattern.test(value)) {
        throw ApiException.invalid(
          name,
          `must match ${pattern.source} and be at most ${maxLength} characters`,
        );
      }
      return value;
    },
  } satisfies PipeTransform<string, string>);
