import { DbError } from '@llm-metrics/db/errors';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { ApiException, type ApiErrorDto, ERROR_CODES, type FieldErrorDto } from './api-error';

/**
 * PostgreSQL errors that mean the input was wrong, not the server: a bound value the column or a
 * CHECK refuses. Anything else from the database is a 500 (logged, never echoed).
 */
const INPUT_SQLSTATES: Record<string, 400 | 409> = {
  '22001': 400, // string_data_right_truncation
  '22003': 400, // numeric_value_out_of_range
  '22007': 400, // invalid_datetime_format
  '22008': 400, // datetime_field_overflow
  '22P02': 400, // invalid_text_representation
  '23502': 400, // not_null_violation
  '23514': 400, // check_violation
  '23505': 409, // unique_violation
  '23503': 409, // foreign_key_violation
};

/** Domain errors of the db package and what they mean over HTTP. */
const DB_ERROR_STATUS: Partial<Record<DbError['code'], keyof typeof ERROR_CODES>> = {
  VALIDATION_FAILED: 400,
  COLLECTOR_FULL: 503,
  COLLECTOR_CLOSED: 503,
  DATABASE_UNREACHABLE: 503,
};

/** Maps every failure, whatever raised it, to the one error body ({@link ApiErrorDto}). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body: ApiErrorDto = { ...this.toBody(exception), request_id: request.id };
    if (body.status >= 500) this.logger.error({ err: exception, request_id: body.request_id }, body.message);
    if (reply.sent) return;
    void reply.code(body.status).type('application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown): Omit<ApiErrorDto, 'request_id'> {
    if (exception instanceof ApiException) {
      return body(exception.status, exception.message, exception.fields, exception.code);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return body(status, httpMessage(exception));
    }
    if (exception instanceof DbError) {
      const status = DB_ERROR_STATUS[exception.code];
      if (status !== undefined) {
        const fields =
          exception.field === undefined ? [] : [{ field: exception.field, message: exception.message }];
        return body(status, exception.message, fields);
      }
    }
    if (exception instanceof QueryFailedError) {
      const { code, constraint, column } = exception.driverError as {
        code?: string;
        constraint?: string;
        column?: string;
      };
      const status = code === undefined ? undefined : INPUT_SQLSTATES[code];
      if (status !== undefined) {
        const field = column ?? constraint;
        const message = status === 409 ? 'conflicts with an existing row' : 'was refused by the database';
        return body(
          status,
          field === undefined ? `The input ${message}` : `${field} ${message}`,
          field === undefined ? [] : [{ field, message }],
        );
      }
    }
    return body(500, 'Internal error; the request id leads to the log entry');
  }
}

function body(status: number, message: string, fields: readonly FieldErrorDto[] = [], code?: string) {
  const known = ERROR_CODES[status as keyof typeof ERROR_CODES] as string | undefined;
  return { status, code: code ?? known ?? `HTTP_${status}`, message, fields: [...fields] };
}

/** Nest's own exceptions (404 of unknown routes, 413 of the body parser, 429 of the throttler). */
function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const { message } = response as { message?: unknown };
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
