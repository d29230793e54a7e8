import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ApiErrorDto, type ERROR_CODES } from './api-error';

const DESCRIPTIONS: Record<keyof typeof ERROR_CODES, string> = {
  400: 'Invalid input; `fields` names each offending field',
  401: 'No API key, or an unknown or revoked one',
  403: 'The key’s role may not use this route',
  404: 'No such row',
  409: 'Conflicts with an existing row',
  413: 'Body too large',
  415: 'Unsupported media type',
  429: 'Rate limit exceeded',
  500: 'Internal error',
  503: 'Database or collector unavailable',
};

/** Documents the error answers of a route, all with the one error body. */
export const ApiErrors = (...statuses: (keyof typeof ERROR_CODES)[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ApiErrorDto }),
    ),
  );
