import { createDataSourceOptions, type DatabaseHandle } from '@llm-metrics/db/connection';
import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');

export interface AppModuleOptions {
  /** The server opened at boot (`DATABASE_URL` or the embedded one); the module closes it on shutdown. */
  readonly database: DatabaseHandle;
}

@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
  ) {}

  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({ useFactory: () => createDataSourceOptions(options.database.url) }),
      ],
      providers: [{ provide: DATABASE_HANDLE, useValue: options.database }],
    };
  }

  /**
   * Nest shuts the root module down before the global TypeORM module, so the pool is closed here
   * first: stopping an embedded server under open connections would make them fail noisily.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.database.close();
  }
}
