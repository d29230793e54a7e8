import type { LoggerService } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { type Level, type Logger, pino } from 'pino';
import type { LogLevel } from '../config';

/**
 * JSON logs on stdout through one pino logger: Fastify's own (each request's `request.log` carries its
 * `request_id`) and Nest's, through {@link NestPinoLogger}. Requests are logged by Fastify
 * ({@link RequestLineLogController}) rather than by pino-http as Nest middleware: that path, with its
 * per-request AsyncLocalStorage, cost about a third of a cheap request's time.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    // Nothing logs headers today; should anything ever, keys and sessions stay out.
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
  });
}

/**
 * Fastify's request logging, one line per request once it is answered (Fastify's default is two, the
 * first before anything is known): request, status, time, and the `request_id` Fastify bound.
 */
export class RequestLineLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'request_id' });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    // Fastify's serializers: method, URL, host and remote address of the request (never its
    // headers), the status code of the reply.
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error != null) request.log.error({ ...line, err: error }, 'request failed');
    else if (reply.statusCode >= 500) request.log.error(line, 'request failed');
    else request.log.info(line, 'request completed');
  }
}

const NEST_LEVELS = {
  log: 'info',
  error: 'error',
  warn: 'warn',
  debug: 'debug',
  verbose: 'trace',
  fatal: 'fatal',
} as const satisfies Record<string, Level>;

/**
 * Nest's logger interface over pino. Nest appends the logger's context as the last string argument;
 * a first argument that is an object (`logger.error({ err, request_id }, 'message')`) becomes fields
 * of the line, as in pino itself; an error's stack is kept.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(method: keyof typeof NEST_LEVELS, message: unknown, params: unknown[]): void {
    const level = NEST_LEVELS[method];
    if (!this.logger.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? rest.pop() : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    let text: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
    } else {
      text = String(message);
    }
    const strings = rest.filter((param): param is string => typeof param === 'string');
    // Nest's `error(message, stack, context)`: with a text message, the remaining string is a stack.
    if (method === 'error' && text !== undefined && strings.length > 0) fields.stack = strings.join('\n');
    else if (text === undefined && strings.length > 0) text = strings.join(' ');
    this.logger[level](fields, text ?? '');
  }
}
