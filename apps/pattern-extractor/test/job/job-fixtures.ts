import type { DataSource } from 'typeorm';
import { runExtraction, type RunHooks, type RunSummary } from '../../src/job/extraction-job';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from '../../src/job/run-options';

/** Options for the tests: small batches, low support, no maintenance unless asked. */
export function testOptions(overrides: Partial<RunOptions> = {}): RunOptions {
  return { ...DEFAULT_RUN_OPTIONS, batchSize: 100, minSupport: 3, skipMaintenance: true, ...overrides };
}

export async function run(
  dataSource: DataSource,
  overrides: Partial<RunOptions> = {},
  hooks: RunHooks = {},
): Promise<RunSummary> {
  return runExtraction(dataSource, testOptions(overrides), hooks);
}

/** The mined patterns, without the columns a rebuild may renumber (id, created_at). */
export async function minedPatterns(dataSource: DataSource): Promise<unknown[]> {
  return dataSource.query(
    `SELECT pattern_type, fingerprint, node_type, pattern_data, usage_count, avg_quality_score, last_used_at
     FROM llm_patterns WHERE fingerprint IS NOT NULL ORDER BY pattern_type, fingerprint`,
  );
}

/** The running totals of the given pattern types. */
export async function candidates(dataSource: DataSource, types: readonly string[]): Promise<unknown[]> {
  return dataSource.query(
    `SELECT * FROM llm_pattern_candidates WHERE pattern_type = ANY($1) ORDER BY scope, pattern_type, fingerprint`,
    [types],
  );
}

/** Forgets everything the extractor did, keeping the history: the next run starts from nothing. */
export async function resetExtractor(dataSource: DataSource): Promise<void> {
  await dataSource.query(`DELETE FROM llm_patterns WHERE fingerprint IS NOT NULL`);
  await dataSource.query(`TRUNCATE llm_pattern_candidates, llm_extraction_runs`);
  await dataSource.query(`DELETE FROM llm_extractor_state WHERE scope = 'rebuild'`);
  await dataSource.query(
    `UPDATE llm_extractor_state
     SET watermark_xid = 0, watermark_id = '00000000-0000-0000-0000-000000000000', miner_state = NULL, rows_mined = 0
     WHERE scope = 'live'`,
  );
}

/** A digest of every row of the tables a run may write, and of the catalog: equal means nothing was written. */
export async function databaseFingerprint(dataSource: DataSource): Promise<unknown> {
  const tables = ['llm_patterns', 'llm_pattern_candidates', 'llm_extractor_state', 'llm_extraction_runs'];
  const digests: Record<string, unknown> = {};
  for (const table of tables) {
    const [row] = await dataSource.query<{ digest: string | null; rows: string }[]>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*) AS rows FROM ${table} t`,
    );
    digests[table] = row;
  }
  digests.catalog = await dataSource.query(
    `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' ORDER BY c.relname`,
  );
  return digests;
}
