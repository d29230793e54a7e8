import { randomBytes } from 'node:crypto';
import { connectDataSource } from '../connection';
import { migrate } from '../migrator';
import { TEST_ENV, type TestServer, databaseUrl, runOnServer, startTestServer } from './test-server';

declare global {
  var llmMetricsTestServer: TestServer | undefined;
}

/**
 * jest `globalSetup`: picks the server, migrates one template database, and hands both to the
 * workers through the environment. Each test file then clones the template in milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  const server = await startTestServer();
  globalThis.llmMetricsTestServer = server;

  const runId = randomBytes(4).toString('hex');
  const template = `lmt_${runId}_template`;
  await runOnServer(server.url, `CREATE DATABASE ${template}`);
  const dataSource = await connectDataSource(databaseUrl(server.url, template));
  try {
    await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }

  process.env[TEST_ENV.serverUrl] = server.url;
  process.env[TEST_ENV.template] = template;
  process.env[TEST_ENV.runId] = runId;
}
