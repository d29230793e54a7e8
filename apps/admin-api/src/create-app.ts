import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';
import { createValidationPipe } from './common/validation';

/** Where the OpenAPI UI and document are served (no key needed: they hold no data). */
export const DOCS_PATH = 'docs';

/**
 * The configured application, not yet listening: `main.ts` listens on it, tests drive it with
 * supertest. Everything that shapes requests (body limit, validation, docs, logger) is set here, once.
 */
export async function createApp(
  options: AppModuleOptions,
  /** The root module; benchmarks wrap `AppModule.forRoot(options)` with bench-only routes. */
  root: DynamicModule = AppModule.forRoot(options),
): Promise<NestExpressApplication> {
  // The adapter is passed, not found by Nest's dynamic import (which jest's module sandbox cannot follow).
  const app = await NestFactory.create<NestExpressApplication>(root, new ExpressAdapter(), {
    // A failed start reaches the caller instead of a bare process.exit.
    abortOnError: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: options.config.bodyLimit });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

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
