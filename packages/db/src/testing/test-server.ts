import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadDatabaseConfig } from '../config';
import { startEmbeddedPostgres } from '../embedded-postgres';

/** Environment variables through which jest's global setup tells each test worker where to go. */
export const TEST_ENV = {
  serverUrl: 'LLM_METRICS_TEST_SERVER_URL',
  template: 'LLM_METRICS_TEST_TEMPLATE',
  runId: 'LLM_METRICS_TEST_RUN_ID',
} as const;

export interface TestServer {
  /** A URL to a maintenance database of the server, used to create and drop test databases. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The server tests run against: `DATABASE_URL` when set (any PostgreSQL ≥ 14 where the user may
 * create databases), otherwise a throwaway embedded PostgreSQL tuned for speed over durability.
 */
export async function startTestServer(): Promise<TestServer> {
  const { databaseUrl } = loadDatabaseConfig();
  if (databaseUrl !== undefined) return { url: databaseUrl, stop: () => Promise.resolve() };

  const parent = await mkdtemp(path.join(tmpdir(), 'llm-metrics-test-'));
  // As root, PostgreSQL runs as the postgres user, who must be able to enter the parent directory.
  await chmod(parent, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(parent, 'cluster'),
    port: await freePort(),
    ephemeral: true,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs statements that cannot run in a transaction (CREATE/DROP DATABASE) on the maintenance database. */
export async function runOnServer(serverUrl: string, ...statements: string[]): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function queryServer<Row>(
  serverUrl: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<Row[]> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}
