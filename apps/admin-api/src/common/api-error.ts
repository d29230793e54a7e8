import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One offending input: a dotted path into the body or query (`items.3.tokens_input`) and what is wrong. */
export class FieldErrorDto {
  @ApiProperty({ description: 'Path of the offending field in the body or query string', example: 'tier' })
  field!: string;

  @ApiProperty({
    description: 'What is wrong with it',
    example: 'must be shorter than or equal to 50 characters',
  })
  message!: string;
}

/** Codes of the error body; one per kind of failure, stable for clients to branch on. */
export const ERROR_CODES = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'UNAVAILABLE',
} as const satisfies Record<number, string>;

/** The body of every failure the API answers, whatever raised it. */
export class ApiErrorDto {
  @ApiProperty({ description: 'HTTP status code', example: 400 })
  status!: number;

  @ApiProperty({ description: 'Stable error code', example: 'VALIDATION_FAILED' })
  code!: string;

  @ApiProperty({
    description: 'Human-readable summary',
    example: 'tier must be shorter than or equal to 50 characters',
  })
  message!: string;

  @ApiProperty({
    description: 'The offending fields; empty when the failure is not about input',
    type: [FieldErrorDto],
  })
  fields!: FieldErrorDto[];

  @ApiPropertyOptional({ description: 'Id of the request, as logged and echoed in the X-Request-Id header' })
  request_id?: string;
}

/** An HTTP failure carrying the error body's code and fields; thrown by services and mapped by the filter. */
export class ApiException extends Error {
  constructor(
    readonly status: keyof typeof ERROR_CODES,
    message: string,
    readonly fields: readonly FieldErrorDto[] = [],
    readonly code: string = ERROR_CODES[status],
  ) {
    super(message);
    this.name = 'ApiException';
  }

  static notFound(what: string, id: string): ApiException {
    return new ApiException(404, `${what} ${id} not found`);
  }

  static invalid(field: string, message: string): ApiException {
    return new ApiException(400, `${field} ${message}`, [{ field, message }]);
  }
}
