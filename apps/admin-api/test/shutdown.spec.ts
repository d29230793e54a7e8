import { describe, expect, test } from '@jest/globals';
import { useTestDatabase } from '@llm-metrics/db/testing';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/create-app';
import { TEST_ADMIN_KEY, TEST_CONFIG } from './harness';

const db = useTestDatabase();
const ROWS = 500;

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('shutdown', () => {
  test('a batch whose client left is written whole before the database is closed', async () => {
    const app = await createApp({
      database: { url: db.url, origin: 'DATABASE_URL', close: () => Promise.resolve() },
      config: TEST_CONFIG,
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;

    // Another session holds a lock that makes the batch's COPY wait, so it is surely in flight.
    const locker = db.dataSource.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    await locker.query('LOCK TABLE llm_generation_metrics IN SHARE MODE');
    let closed: Promise<void> | undefined;
    try {
      const body = JSON.stringify(
        Array.from({ length: ROWS }, (_, index) => ({
          node_type: 'effect',
          service_name: 'ShutdownService',
          method_name: `method_${index}`,
          tier: 'local',
          model_used: 'ollama/codellama:7b',
          tokens_input: 10,
          tokens_output: 5,
          latency_ms: 12,
        })),
      );
      const client = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/generations',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TEST_ADMIN_KEY}` },
      });
      client.on('error', () => undefined);
      client.end(body);
      await until(async () => {
        const [{ waiting }] = await db.dataSource.query<[{ waiting: number }]>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE datname = current_database() AND query LIKE 'COPY llm_generation_metrics%' AND wait_event_type = 'Lock'`,
        );
        return waiting === 1;
      }, 'the COPY to wait for the lock');

      // The client gives up, then the process is told to stop.
      client.destroy();
      closed = app.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await locker.commitTransaction();
      await locker.release();
    }
    await closed;

    const [{ rows }] = await db.dataSource.query<[{ rows: number }]>(
      `SELECT count(*)::int AS rows FROM llm_generation_metrics WHERE service_name = 'ShutdownService'`,
    );
    expect(rows).toBe(ROWS);
  });
});
