import { describe, expect, test } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { NestPinoLogger } from '../src/common/logger';

/** A NestPinoLogger at `level` whose JSON lines are collected. */
function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: new NestPinoLogger(pino({ level, base: null, timestamp: false }, sink)), lines };
}

describe('NestPinoLogger', () => {
  test('a message with Nest’s context argument', () => {
    const { logger, lines } = capture();
    logger.log('Nest application successfully started', 'NestApplication');
    logger.warn('draining', 'AppModule');
    expect(lines).toEqual([
      { level: 30, context: 'NestApplication', msg: 'Nest application successfully started' },
      { level: 40, context: 'AppModule', msg: 'draining' },
    ]);
  });

  test('an object first becomes fields of the line, the string after it the message', () => {
    const { logger, lines } = capture();
    logger.error({ request_id: 'r-1', status: 500 }, 'Internal error', 'ApiExceptionFilter');
    expect(lines).toEqual([
      { level: 50, request_id: 'r-1', status: 500, context: 'ApiExceptionFilter', msg: 'Internal error' },
    ]);
  });

  test('an error keeps its stack; Nest’s error(message, stack, context) too', () => {
    const { logger, lines } = capture();
    logger.error(new Error('boom'), 'Worker');
    logger.error('query failed', 'Error: query failed\n    at db.ts:1', 'TypeOrmModule');
    expect(lines[0]).toMatchObject({ level: 50, context: 'Worker', err: { message: 'boom' } });
    expect((lines[0]?.err as { stack?: string }).stack).toContain('Error: boom');
    expect(lines[1]).toEqual({
      level: 50,
      context: 'TypeOrmModule',
      stack: 'Error: query failed\n    at db.ts:1',
      msg: 'query failed',
    });
  });

  test('levels below the configured one write nothing; verbose is trace', () => {
    const { logger, lines } = capture('debug');
    logger.verbose('hidden', 'Ctx');
    logger.debug('shown', 'Ctx');
    expect(lines).toEqual([{ level: 20, context: 'Ctx', msg: 'shown' }]);
  });
});
