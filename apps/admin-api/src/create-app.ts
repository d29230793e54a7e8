import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppModuleOptions } from './app.module';
import { createLogger, NestPinoLogger, RequestLineLogController } from './common/logger';
import { echoRequestIds, requestIdFor } from './common/request-id';
import { createValidationPipe } from './common/validation';
import { registerHttpMetrics } from './metrics/http-metrics.hook';
import { MetricsRegistry } from './metrics/metrics.registry';

/** Where the OpenAPI UI and document are served (no key needed: they hold no data). */
export const DOCS_PATH = 'docs';

/**
 * The configured application, not yet listening: `main.ts` listens on it, tests drive it with
 * supertest (after `app.init()` and Fastify's `ready()`). Everything that shapes requests (body
 * limit, validation, docs, logger, HTTP metrics) is set here, once. Fastify rather than Express: at
 * 64 connections on two cores Express alone spent more per request than a cost report does.
 */
export async function createApp(
  options: AppModuleOptions,
  /** The root module; benchmarks wrap `AppModule.forRoot(options)` with bench-only routes. */
  root: DynamicModule = AppModule.forRoot(options),
): Promise<NestFastifyApplication> {
  const logger = createLogger(options.config.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: options.config.bodyLimitBytes,
    loggerInstance: logger,
    logController: new RequestLineLogController(),
    genReqId: requestIdFor,
  });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    // A failed start reaches the caller instead of a bare process.exit.
    abortOnError: false,
    bufferLogs: true,
  });
  app.useLogger(new NestPinoLogger(logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  echoRequestIds(adapter.getInstance());
  registerHttpMetrics(adapter.getInstance(), app.get(MetricsRegistry));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('llm-metrics admin API')
      .setDescription(
        'Tiers and prices, generations, history and feedback, reports, patterns and API keys. ' +
          'Every /api/v1 route needs a key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key' })
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
  return app;
}
