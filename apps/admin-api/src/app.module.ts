import { createDataSourceOptions, type DatabaseHandle } from '@llm-metrics/db/connection';
import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AnalyticsModule } from './analytics/analytics.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { SlidingWindowThrottlerStorage } from './auth/sliding-window.storage';
import { AuthModule } from './auth/auth.module';
import { ThrottlerByKeyGuard } from './auth/throttler-by-key.guard';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { InFlightInterceptor } from './common/in-flight.interceptor';
import type { ApiConfig } from './config';
import { ExtractionRunsModule } from './extraction-runs/extraction-runs.module';
import { GenerationsModule } from './generations/generations.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RepriceModule } from './reprice/reprice.module';
import { TiersModule } from './tiers/tiers.module';
import { HistoryModule } from './history/history.module';
import { PatternsModule } from './patterns/patterns.module';

const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');

/** How long shutdown waits for running handlers (under Docker's and Kubernetes' default grace periods). */
const DRAIN_MS = 8_000;

export interface AppModuleOptions {
  /** The server opened at boot (`DATABASE_URL` or the embedded one); the module closes it on shutdown. */
  readonly database: DatabaseHandle;
  /** The configuration parsed at boot (`loadApiConfig`). */
  readonly config: ApiConfig;
}

@Module({})
export class AppModule implements OnApplicationShutdown {
  private readonly logger = new Logger(AppModule.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
    private readonly inFlight: InFlightInterceptor,
  ) {}

  static forRoot({ database, config }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Already validated by loadApiConfig; ConfigService hands it to the features.
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          load: [() => config],
        }),
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: 60_000, limit: config.rateLimitPerMinute }],
          storage: new SlidingWindowThrottlerStorage(),
        }),
        TypeOrmModule.forRootAsync({ useFactory: () => createDataSourceOptions(database.url) }),
        AuthModule,
        HealthModule,
        TiersModule,
        RepriceModule,
        MetricsModule,
        GenerationsModule,
        HistoryModule,
        AnalyticsModule,
        PatternsModule,
        ExtractionRunsModule,
      ],
      providers: [
        { provide: DATABASE_HANDLE, useValue: database },
        // Guards run in this order: who is calling, then how often.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: ThrottlerByKeyGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        InFlightInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: InFlightInterceptor },
      ],
    };
  }

  /**
   * Nest shuts the root module down before the global TypeORM module, so the pool is closed here
   * first: stopping an embedded server under open connections would make them fail noisily. The HTTP
   * server is closed by now; handlers whose clients left are let finish first (up to DRAIN_MS).
   */
  async onApplicationShutdown(): Promise<void> {
    if (!(await this.inFlight.drained(DRAIN_MS))) {
      this.logger.warn(
        `Requests still running after ${DRAIN_MS} ms of shutdown: closing the database under them`,
      );
    }
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.database.close();
  }
}
