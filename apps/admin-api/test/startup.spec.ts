import { describe, expect, test } from '@jest/globals';
import { MIGRATIONS } from '@llm-metrics/db/migrations';
import { createTestDatabase, freePort, useTestDatabase } from '@llm-metrics/db/testing';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateAdminKey } from '../src/startup/admin-key';
import { prepareDatabase } from '../src/startup/prepare-database';

const db = useTestDatabase();
const MAIN = path.join(__dirname, '..', 'dist', 'main.js');
const NOW = new Date('2026-03-10T12:00:00Z');
const handle = (origin: 'embedded' | 'DATABASE_URL') => ({
  url: db.url,
  origin,
  close: () => Promise.resolve(),
});
const count = async (table: string) =>
  (await db.dataSource.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

describe('npm start prepares the database', () => {
  test('a DATABASE_URL database is served as it is: no demo data unless asked for', async () => {
    expect(await prepareDatabase(handle('DATABASE_URL'), { demo: false, migrate: false, now: NOW })).toEqual({
      migrations: [],
      demo: null,
    });
    expect(await prepareDatabase(handle('DATABASE_URL'), { demo: false, migrate: true, now: NOW })).toEqual({
      migrations: [],
      demo: null,
    });
    expect(await count('llm_generation_metrics')).toBe(0);
  });

  test('MIGRATE_ON_START applies pending migrations to a DATABASE_URL database; false leaves them', async () => {
    const empty = await createTestDatabase({ migrated: false });
    const emptyHandle = { url: empty.url, origin: 'DATABASE_URL' as const, close: () => Promise.resolve() };
    try {
      expect(await prepareDatabase(emptyHandle, { demo: false, migrate: false, now: NOW })).toEqual({
        migrations: [],
        demo: null,
      });
      const applied = await prepareDatabase(emptyHandle, { demo: false, migrate: true, now: NOW });
      expect(applied).toEqual({ migrations: MIGRATIONS.map(({ name }) => name), demo: null });
    } finally {
      await empty.drop();
    }
  });

  test('the embedded database gets the demo month on its first start only', async () => {
    const first = await prepareDatabase(handle('embedded'), { demo: false, migrate: false, now: NOW });
    expect(first.migrations).toEqual([]);
    expect(first.demo?.generations).toBeGreaterThanOrEqual(2000);
    const rows = await count('llm_generation_metrics');
    const history = await count('llm_generation_history');

    const second = await prepareDatabase(handle('embedded'), { demo: false, migrate: false, now: NOW });
    expect(second.demo).toEqual({ generations: 0, historyRows: 0 });
    // --demo on a database that already holds generations adds nothing either.
    await prepareDatabase(handle('DATABASE_URL'), { demo: true, migrate: false, now: NOW });
    expect(await count('llm_generation_metrics')).toBe(rows);
    expect(await count('llm_generation_history')).toBe(history);
  });

  test('the generated admin key is made once, kept readable by its owner only', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'admin-key-')), 'postgres.admin-key');
    const key = await loadOrCreateAdminKey(file);
    expect(key).toMatch(/^lmk_[\w-]{43}$/);
    expect(await loadOrCreateAdminKey(file)).toBe(key);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(key);
  });
});

describe('the server process', () => {
  test.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY'],
    [{ BODY_LIMIT: 'huge' }, 'BODY_LIMIT'],
    [{ MIGRATE_ON_START: 'no' }, 'MIGRATE_ON_START'],
    [{ DATABASE_URL: 'mysql://root@localhost/db' }, 'DATABASE_URL'],
    [{ EMBEDDED_PG_PORT: 'abc' }, 'EMBEDDED_PG_PORT'],
  ])('a bad setting (%j) stops the boot with exit 2, naming %s', (env, variable) => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(variable);
    // The value itself is never echoed (some carry passwords).
    expect(result.stderr).not.toContain(Object.values(env)[0]);
  });

  test('an unknown argument is exit 2', () => {
    const result = spawnSync(process.execPath, [MAIN, '--bogus'], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--bogus');
  });

  test('with DATABASE_URL, PORT and ADMIN_API_KEY it serves that database, prints where, logs no key, stops on SIGINT', async () => {
    const port = await freePort();
    const adminKey = 'process-test-admin-key-0123456789';
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        PORT: String(port),
        ADMIN_API_KEY: adminKey,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const keys = [adminKey, 'an-unknown-key-that-must-not-be-logged'];
    let refusedId: string | null | undefined;
    try {
      for (let attempt = 0; attempt < 300 && !output.includes('Press Ctrl-C'); attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output).toContain(`URL:        http://localhost:${port}`);
      expect(output).toContain(`API docs:   http://localhost:${port}/docs`);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const tiers = await fetch(`${url}/api/v1/tiers`, { headers: { Authorization: `Bearer ${adminKey}` } });
      expect(tiers.status).toBe(200);

      // A stored key, shown in its creation response, then used in either header; an unknown one refused.
      const created = await fetch(`${url}/api/v1/api-keys`, {
        method: 'POST',
        headers: { 'X-API-Key': adminKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'log test', role: 'viewer' }),
      });
      const { key } = (await created.json()) as { key: string };
      keys.push(key);
      expect((await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(
        200,
      );
      expect((await fetch(`${url}/api/v1/tiers`, { headers: { 'X-API-Key': key } })).status).toBe(200);
      const refused = await fetch(`${url}/api/v1/tiers`, { headers: { Authorization: `Bearer ${keys[1]}` } });
      expect(refused.status).toBe(401);
      refusedId = refused.headers.get('x-request-id');
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).not.toBe(1);
    // The requests were logged with their request ids (the one echoed to the client among them); the
    // keys and their headers were not.
    const requestLines = output
      .split('\n')
      .filter((line) => line.includes('"msg":"request completed"'))
      .map((line) => JSON.parse(line) as { request_id?: string; req?: { url?: string } });
    expect(requestLines.filter((line) => line.req?.url === '/api/v1/tiers')).toHaveLength(3);
    expect(requestLines.map((line) => line.request_id)).toContain(refusedId);
    const logLines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.join('\n').toLowerCase()).not.toContain('authorization');
    for (const secret of keys) expect(output).not.toContain(secret);
  }, 60_000);
});
