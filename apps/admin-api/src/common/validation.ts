import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { ApiException, type FieldErrorDto } from './api-error';
import { nestsDeeperThan } from './json-depth';

/** Deepest body accepted at all: class-transformer and class-validator recurse, and would overflow the stack. */
const MAX_BODY_DEPTH = 64;

/** The global pipe, refusing absurdly nested bodies before anything recurses into them. */
class DepthCheckedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && nestsDeeperThan(value, MAX_BODY_DEPTH)) {
      throw ApiException.invalid('body', `must not nest deeper than ${MAX_BODY_DEPTH} levels`);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/**
 * The global pipe: unknown fields are refused (not silently dropped), values are converted to the DTO's
 * types, and every failure names its field by a dotted path (`items.3.tokens_input`).
 */
export function createValidationPipe(): ValidationPipe {
  return new DepthCheckedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const summary = fields.map(({ field, message }) => `${field} ${message}`).join('; ');
      return new ApiException(400, summary || 'Invalid input', fields);
    },
  });
}

function flatten(errors: readonly ValidationError[], prefix = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      // class-validator starts each message with the property name; the field says it already.
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * An optional field that, when present, must be valid: unlike `@IsOptional()`, null is not a way to
 * skip validation (it would reach a NOT NULL column).
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
