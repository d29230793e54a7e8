import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiException } from './api-error';

/** A route parameter that must be a UUID: anything else is a 400 naming it, never a database error. */
export const UuidParam = (name: string) =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => ApiException.invalid(name, 'must be a UUID') }));
