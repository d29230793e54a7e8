import { afterAll, beforeAll } from '@jest/globals';
import type { ApiKeyRole } from '@llm-metrics/db/entities';
import { createTestDatabase, type TestDatabase } from '@llm-metrics/db/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import type { ApiConfig } from '../src/config';
import { createApp } from '../src/create-app';

/** The bootstrap admin key of test apps (ADMIN_API_KEY). */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export const TEST_CONFIG: ApiConfig = {
  port: 0,
  adminApiKey: TEST_ADMIN_KEY,
  logLevel: 'silent',
  rateLimitPerMinute: 1_000_000,
  bodyLimitBytes: 10 * 1024 * 1024,
  migrateOnStart: false,
};

export interface TestApp {
  readonly app: NestFastifyApplication;
  /** A supertest agent on the app, without a key. */
  readonly http: TestAgent;
  /** The app's own DataSource on the test database, to arrange and inspect rows. */
  readonly dataSource: DataSource;
  /** A stored key of that role, created through the API once per file. */
  keyFor(role: ApiKeyRole): Promise<string>;
}

/**
 * The admin API on this test file's own migrated database, created before its tests and closed after.
 * `config` overrides the test configuration (rate limit, body limit, ...).
 */
export function useTestApp(config: Partial<ApiConfig> = {}): TestApp {
  let database: TestDatabase | undefined;
  let app: NestFastifyApplication | undefined;
  const keys = new Map<ApiKeyRole, Promise<string>>();

  beforeAll(async () => {
    database = await createTestDatabase();
    const { url } = database;
    app = await createApp({
      database: { url, origin: 'DATABASE_URL', close: () => Promise.resolve() },
      config: { ...TEST_CONFIG, ...config },
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const started = (): NestFastifyApplication => {
    if (app === undefined) throw new Error('useTestApp(): the app exists only inside tests');
    return app;
  };
  return {
    get app() {
      return started();
    },
    get http() {
      return request(started().getHttpServer());
    },
    get dataSource() {
      return started().get(DataSource);
    },
    keyFor(role) {
      let key = keys.get(role);
      if (key === undefined) {
        key = request(started().getHttpServer())
          .post('/api/v1/api-keys')
          .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
          .send({ name: `test ${role}`, role })
          .then((response) => {
            if (response.status !== 201) throw new Error(`creating a ${role} key: ${response.status}`);
            return (response.body as { key: string }).key;
          });
        keys.set(role, key);
      }
      return key;
    },
  };
}
