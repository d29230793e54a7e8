import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incremental hourly rollups of `llm_generation_metrics` for reports at scale.
 *
 * - `insert_xid` on metrics: the id of the transaction that inserted the row (xid8 as bigint, set by
 *   its default, never updated). The rollup's watermark is a keyset on `(insert_xid, id)`; a refresh
 *   only folds rows whose transaction is older than every transaction still in progress, so rows
 *   committed out of order are never skipped, and a late row with an old `created_at` is folded once.
 * - `llm_metrics_hourly` and `llm_metrics_daily`: per UTC hour (day), tier, model, node type and service: counts, token and exact
 *   cost sums, unpriced and quality-flag counts, the exact latency sum.
 * - `llm_metrics_hourly_latency`: the mergeable latency histogram of those buckets (log-scaled bins,
 *   `llm_latency_bin`; the representative value `llm_latency_bin_value` is within 1.9% of every value
 *   of its bin).
 * - `llm_rollup_state`: the watermark, moved in the same transaction as the buckets it covers.
 */
export class AddReportRollups1765000000000 implements MigrationInterface {
  name = 'AddReportRollups1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A function, so that the column default reads the same to TypeORM's schema builder.
    await queryRunner.query(`
      CREATE FUNCTION llm_current_xid() RETURNS bigint LANGUAGE sql VOLATILE
      AS $$ SELECT pg_current_xact_id()::text::bigint $$
    `);
    await queryRunner.query(`
      ALTER TABLE llm_generation_metrics ADD COLUMN insert_xid bigint NOT NULL DEFAULT llm_current_xid()
    `);
    await queryRunner.query(`COMMENT ON COLUMN llm_generation_metrics.insert_xid IS
      'Transaction that inserted the row (xid8); the rollup watermark follows (insert_xid, id)'`);
    await queryRunner.query(
      `CREATE INDEX idx_llm_metrics_insert_xid ON llm_generation_metrics (insert_xid, id)`,
    );

    // gamma = (1 + a) / (1 - a) with a = 0.019: a bin's representative value is within a of its values.
    await queryRunner.query(`
      CREATE FUNCTION llm_latency_bin(latency_ms double precision) RETURNS integer
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT CASE WHEN latency_ms < 0.001 THEN -1000
                        ELSE ceil(ln(latency_ms) / ln(1.019 / 0.981))::integer END $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION llm_latency_bin_value(bin integer) RETURNS double precision
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT CASE WHEN bin = -1000 THEN 0
                        ELSE 2 * power(1.019 / 0.981, bin)::double precision / (1.019 / 0.981 + 1) END $$
    `);

    for (const table of ['llm_metrics_hourly', 'llm_metrics_daily']) {
      await queryRunner.query(`
        CREATE TABLE ${table} (
          bucket_start timestamp with time zone NOT NULL,
          ${BUCKET_COLUMNS}
          CONSTRAINT ${table}_pkey PRIMARY KEY (bucket_start, tier, model_used, node_type, service_name)
        )
      `);
    }
    await queryRunner.query(`COMMENT ON TABLE llm_metrics_daily IS
      'Daily (UTC) rollup of llm_generation_metrics up to the watermark in llm_rollup_state'`);
    await queryRunner.query(`COMMENT ON TABLE llm_metrics_hourly IS
      'Hourly rollup of llm_generation_metrics up to the watermark in llm_rollup_state'`);
    await queryRunner.query(`
      CREATE TABLE llm_metrics_hourly_latency (
        bucket_start timestamp with time zone NOT NULL,
        tier varchar(50) NOT NULL,
        model_used varchar(255) NOT NULL,
        node_type varchar(50) NOT NULL,
        service_name varchar(255) NOT NULL,
        bin integer NOT NULL,
        generations bigint NOT NULL,
        CONSTRAINT llm_metrics_hourly_latency_pkey
          PRIMARY KEY (bucket_start, tier, model_used, node_type, service_name, bin)
      )
    `);
    await queryRunner.query(`COMMENT ON TABLE llm_metrics_hourly_latency IS
      'Latency histogram of each llm_metrics_hourly bucket: generations per llm_latency_bin'`);
    await queryRunner.query(`
      CREATE TABLE llm_rollup_state (
        name varchar(50) NOT NULL,
        watermark_xid bigint NOT NULL,
        watermark_id uuid NOT NULL,
        refreshed_at timestamp with time zone,
        CONSTRAINT llm_rollup_state_pkey PRIMARY KEY (name)
      )
    `);
    await queryRunner.query(`COMMENT ON TABLE llm_rollup_state IS
      'Watermark of each rollup: every metrics row with (insert_xid, id) <= it is folded in'`);
    await queryRunner.query(`
      INSERT INTO llm_rollup_state (name, watermark_xid, watermark_id)
      VALUES ('metrics_hourly', 0, '00000000-0000-0000-0000-000000000000')
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE llm_rollup_state`);
    await queryRunner.query(`DROP TABLE llm_metrics_hourly_latency`);
    await queryRunner.query(`DROP TABLE llm_metrics_daily`);
    await queryRunner.query(`DROP TABLE llm_metrics_hourly`);
    await queryRunner.query(`DROP FUNCTION llm_latency_bin_value(integer)`);
    await queryRunner.query(`DROP FUNCTION llm_latency_bin(double precision)`);
    await queryRunner.query(`DROP INDEX idx_llm_metrics_insert_xid`);
    await queryRunner.query(`ALTER TABLE llm_generation_metrics DROP COLUMN insert_xid`);
    await queryRunner.query(`DROP FUNCTION llm_current_xid()`);
  }
}

/** The summed columns of a bucket, after its start: the same in the hourly and the daily rollup. */
const BUCKET_COLUMNS = `
  tier varchar(50) NOT NULL,
  model_used varchar(255) NOT NULL,
  node_type varchar(50) NOT NULL,
  service_name varchar(255) NOT NULL,
  generations bigint NOT NULL,
  tokens_input bigint NOT NULL,
  tokens_output bigint NOT NULL,
  tokens_total bigint NOT NULL,
  tokens_cached_input bigint NOT NULL,
  tokens_cache_write bigint NOT NULL,
  tokens_reasoning bigint NOT NULL,
  cost_usd numeric NOT NULL,
  unpriced bigint NOT NULL,
  latency_ms_sum numeric NOT NULL,
  syntax_valid_true bigint NOT NULL,
  syntax_valid_known bigint NOT NULL,
  onex_compliant_true bigint NOT NULL,
  onex_compliant_known bigint NOT NULL,
  has_type_hints_true bigint NOT NULL,
  has_type_hints_known bigint NOT NULL,
  truncated_true bigint NOT NULL,
  truncated_known bigint NOT NULL,`;
