import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the pattern extractor (apps/pattern-extractor) keeps between runs.
 *
 * - `llm_patterns.fingerprint`: the miner's stable id of a pattern, unique per `pattern_type`, so a
 *   run upserts (`ON CONFLICT ON CONSTRAINT uq_llm_patterns_fingerprint`) instead of duplicating.
 *   Nullable on purpose: rows written before the extractor existed, or by hand, have none, and the
 *   extractor never touches a row without one (NULLs are distinct in a UNIQUE constraint, so any
 *   number of them may coexist). Nothing to backfill.
 * - `llm_pattern_candidates`: the exact running totals of every fingerprint the miners ever filed a
 *   row under, published or not (`llm_patterns` only shows those meeting the run's thresholds). The
 *   quality sum is `numeric`, so merging batches in any grouping gives the same average to the bit.
 *   `scope` = 'live' for the totals behind `llm_patterns`, 'rebuild' while `run --full` builds new
 *   ones beside them; the swap is one transaction.
 * - `llm_extractor_state`: per scope, the watermark (keyset `(insert_xid, id)` over history, like the
 *   rollups') and the miners' learned state, written in the same transaction as the totals they cover.
 * - `llm_extraction_runs`: one row per run (not dry runs: those write nothing), with its counts,
 *   watermarks and maintenance steps, for `extract status` and the admin API.
 */
export class AddPatternExtraction1765200000000 implements MigrationInterface {
  name = 'AddPatternExtraction1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE llm_patterns ADD COLUMN fingerprint varchar(64)`);
    await queryRunner.query(`
      ALTER TABLE llm_patterns
        ADD CONSTRAINT uq_llm_patterns_fingerprint UNIQUE (pattern_type, fingerprint)
    `);
    await queryRunner.query(`COMMENT ON COLUMN llm_patterns.fingerprint IS
      'Stable id the pattern extractor gives the pattern, unique per type; NULL for patterns not mined'`);

    await queryRunner.query(`
      CREATE TABLE llm_extraction_runs (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        status varchar(16) NOT NULL DEFAULT 'running',
        mode varchar(16) NOT NULL,
        started_at timestamp with time zone NOT NULL DEFAULT now(),
        finished_at timestamp with time zone,
        heartbeat_at timestamp with time zone NOT NULL DEFAULT now(),
        watermark_before_xid bigint,
        watermark_before_id uuid,
        watermark_after_xid bigint,
        watermark_after_id uuid,
        rows_read bigint NOT NULL DEFAULT 0,
        patterns_created integer NOT NULL DEFAULT 0,
        patterns_updated integer NOT NULL DEFAULT 0,
        patterns_retired integer NOT NULL DEFAULT 0,
        maintenance jsonb NOT NULL DEFAULT '[]',
        error text,
        options jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT llm_extraction_runs_pkey PRIMARY KEY (id),
        CONSTRAINT chk_llm_extraction_runs_status
          CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned')),
        CONSTRAINT chk_llm_extraction_runs_mode CHECK (mode IN ('incremental', 'full', 'dry_run')),
        CONSTRAINT chk_llm_extraction_runs_finished CHECK ((status = 'running') = (finished_at IS NULL)),
        CONSTRAINT chk_llm_extraction_runs_counts CHECK (
          rows_read >= 0 AND patterns_created >= 0 AND patterns_updated >= 0 AND patterns_retired >= 0
        ),
        CONSTRAINT chk_llm_extraction_runs_maintenance CHECK (jsonb_typeof(maintenance) = 'array')
      )
    `);
    await queryRunner.query(
      `CREATE INDEX idx_llm_extraction_runs_started ON llm_extraction_runs (started_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE llm_pattern_candidates (
        scope varchar(16) NOT NULL,
        pattern_type varchar(50) NOT NULL,
        fingerprint varchar(64) NOT NULL,
        node_type varchar(50),
        usage_count bigint NOT NULL,
        quality_sum numeric NOT NULL,
        passed_count bigint NOT NULL,
        metrics_count bigint NOT NULL,
        tokens_input_sum bigint NOT NULL,
        tokens_output_sum bigint NOT NULL,
        first_used_at timestamp with time zone NOT NULL,
        last_used_at timestamp with time zone NOT NULL,
        models text[] NOT NULL,
        tiers text[] NOT NULL,
        example_ids text[] NOT NULL,
        best_quality double precision,
        details jsonb NOT NULL,
        CONSTRAINT llm_pattern_candidates_pkey PRIMARY KEY (scope, pattern_type, fingerprint),
        CONSTRAINT chk_llm_pattern_candidates_scope CHECK (scope IN ('live', 'rebuild')),
        CONSTRAINT chk_llm_pattern_candidates_counts CHECK (
          usage_count >= 0 AND passed_count >= 0 AND metrics_count >= 0 AND passed_count <= usage_count
        )
      )
    `);
    await queryRunner.query(`
      CREATE TABLE llm_extractor_state (
        scope varchar(16) NOT NULL,
        watermark_xid bigint NOT NULL,
        watermark_id uuid NOT NULL,
        miner_state jsonb,
        rows_mined bigint NOT NULL DEFAULT 0,
        updated_at timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT llm_extractor_state_pkey PRIMARY KEY (scope),
        CONSTRAINT chk_llm_extractor_state_scope CHECK (scope IN ('live', 'rebuild'))
      )
    `);
    await queryRunner.query(`
      INSERT INTO llm_extractor_state (scope, watermark_xid, watermark_id)
      VALUES ('live', 0, '00000000-0000-0000-0000-000000000000')
    `);
    for (const [table, comment, columns] of COMMENTS) {
      await queryRunner.query(`COMMENT ON TABLE ${table} IS '${comment}'`);
      for (const [column, text] of Object.entries(columns)) {
        await queryRunner.query(`COMMENT ON COLUMN ${table}.${column} IS '${text}'`);
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE llm_extractor_state`);
    await queryRunner.query(`DROP TABLE llm_pattern_candidates`);
    await queryRunner.query(`DROP TABLE llm_extraction_runs`);
    await queryRunner.query(`ALTER TABLE llm_patterns DROP CONSTRAINT uq_llm_patterns_fingerprint`);
    await queryRunner.query(`ALTER TABLE llm_patterns DROP COLUMN fingerprint`);
  }
}

/** Table comment and column comments; the entity `LlmExtractionRun` repeats the runs' ones. */
const COMMENTS: readonly (readonly [string, string, Readonly<Record<string, string>>])[] = [
  [
    'llm_extraction_runs',
    'Runs of the pattern extractor: status, watermarks, counts and maintenance steps',
    {
      id: 'Unique identifier',
      status: 'running, succeeded, failed, or abandoned (found running after its process died)',
      mode: 'incremental (from the watermark), full (rebuild from scratch) or dry_run',
      started_at: 'When the run started',
      finished_at: 'When the run ended; NULL while running',
      heartbeat_at: 'Last sign of life (updated every batch)',
      watermark_before_xid: 'insert_xid of the watermark the run started from',
      watermark_before_id: 'History id of the watermark the run started from',
      watermark_after_xid: 'insert_xid of the watermark the run reached',
      watermark_after_id: 'History id of the watermark the run reached',
      rows_read: 'History rows mined',
      patterns_created: 'llm_patterns rows created',
      patterns_updated: 'llm_patterns rows whose numbers or data changed',
      patterns_retired: 'llm_patterns rows deleted because they no longer meet the thresholds',
      maintenance: 'Maintenance steps after mining: [{name, ok, ms, detail, error?}]',
      error: 'Why the run failed or was abandoned',
      options: 'Options of the run (thresholds, batch size, range)',
    },
  ],
  [
    'llm_pattern_candidates',
    'Exact running totals of every mined fingerprint, published in llm_patterns once past thresholds',
    {
      scope: 'live (behind llm_patterns) or rebuild (a full run in progress)',
      pattern_type: 'high_quality_prompt, common_error or successful_implementation',
      fingerprint: 'The miner fingerprint (llm_patterns.fingerprint)',
      node_type: 'Node type of every row filed under it; NULL when they differ',
      usage_count: 'History rows filed under it',
      quality_sum: 'Exact sum of their quality scores',
      passed_count: 'Rows among them whose validation passed',
      metrics_count: 'Rows among them with a metrics row (for token averages)',
      tokens_input_sum: 'Sum of tokens_input of those metrics rows',
      tokens_output_sum: 'Sum of tokens_output of those metrics rows',
      first_used_at: 'Oldest created_at of the rows',
      last_used_at: 'Newest created_at of the rows',
      models: 'Models used (sorted, distinct)',
      tiers: 'Tiers used (sorted, distinct)',
      example_ids: 'First history ids filed under it (at most 5)',
      best_quality: 'Quality of the example kept in details (accepted implementations)',
      details: 'What the miner knows of it: template, kind, language, example code',
    },
  ],
  [
    'llm_extractor_state',
    'Watermark and learned miner state of the pattern extractor, per scope',
    {
      scope: 'live, or rebuild while a full run builds beside it',
      watermark_xid: 'insert_xid of the last history row mined',
      watermark_id: 'id of the last history row mined',
      miner_state: 'Exported state of the prompt-template and error-signature miners',
      rows_mined: 'History rows mined into this scope',
      updated_at: 'When the watermark last moved',
    },
  ],
];
