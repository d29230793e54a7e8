import { TEST_ENV, queryServer, runOnServer } from './test-server';

/** jest `globalTeardown`: drops every database this run created, then stops the embedded server. */
export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env[TEST_ENV.serverUrl];
  const runId = process.env[TEST_ENV.runId];
  if (serverUrl !== undefined && runId !== undefined) {
    const leftovers = await queryServer<{ datname: string }>(
      serverUrl,
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`lmt\\_${runId}\\_%`],
    );
    await runOnServer(
      serverUrl,
      ...leftovers.map(({ datname }) => `DROP DATABASE "${datname}" WITH (FORCE)`),
    );
  }
  await globalThis.llmMetricsTestServer?.stop();
}
