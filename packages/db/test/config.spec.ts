import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadDatabaseConfig } from '../src/config';
import { connectDataSource } from '../src/connection';

const SECRET = 's3cret-password';

describe('loadDatabaseConfig', () => {
  test('without DATABASE_URL it uses the embedded PostgreSQL under .data/ at the repository root', () => {
    const config = loadDatabaseConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.embedded).toEqual({
      port: 54329,
      dataDir: path.resolve(__dirname, '..', '..', '..', '.data', 'postgres'),
    });
  });

  test('an empty DATABASE_URL counts as unset', () => {
    expect(loadDatabaseConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  test.each(['postgres://app:pw@db.internal:6543/metrics', 'postgresql://localhost/metrics'])(
    'accepts %s',
    (url) => {
      expect(loadDatabaseConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    },
  );

  test.each([
    ['not a URL', `${SECRET}`],
    ['another scheme', `mysql://root:${SECRET}@localhost:3306/metrics`],
    ['no database', `postgres://root:${SECRET}@localhost:5432`],
    ['no host', `postgres://:${SECRET}@/metrics`],
  ])('rejects a DATABASE_URL with %s, naming the variable but not the value', (_case, url) => {
    expect(() => loadDatabaseConfig({ DATABASE_URL: url })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('DATABASE_URL must look like postgres://'),
      }),
    );
    expect(() => loadDatabaseConfig({ DATABASE_URL: url })).not.toThrow(SECRET);
  });

  test.each(['0', '65536', 'abc', '54.5'])('rejects EMBEDDED_PG_PORT=%s', (port) => {
    expect(() => loadDatabaseConfig({ EMBEDDED_PG_PORT: port })).toThrow(/EMBEDDED_PG_PORT/);
  });
});

describe('connectDataSource', () => {
  test('an unreachable server is named by host and port, never by password', async () => {
    const connecting = connectDataSource(`postgres://someone:${SECRET}@127.0.0.1:1/metrics`);
    await expect(connecting).rejects.toMatchObject({
      code: 'DATABASE_UNREACHABLE',
      message: expect.stringMatching(/^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/metrics: /),
    });
    await expect(connecting).rejects.not.toThrow(SECRET);
  });
});
