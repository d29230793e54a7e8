import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly rollup of `llm_generation_history`, so that the history part of the quality report (average
 * quality score, validation pass rate) costs O(buckets) and still reports once retention has dropped
 * the raw rows.
 *
 * - `llm_history_hourly`: per UTC hour and node type: rows, the exact (numeric) sum and count of
 *   `quality_score`, and how many passed validation. Only fields that never change after the insert are
 *   folded: the feedback columns (`user_accepted`, `user_feedback`, `manual_edits_required`) are set
 *   later by the admin API, so a bucket holding them would go stale. History has no model, tier or
 *   service: those come from the metrics row of the same `correlation_id`, which may be written after
 *   the history row, so a bucket keyed by them could change after it was folded; they are not keys.
 * - `llm_rollup_state` row `history_hourly`: the watermark on `(insert_xid, id)` (migration 6), with the
 *   same discipline as the metrics rollup.
 */
export class AddHistoryRollup1765400000000 implements MigrationInterface {
  name = 'AddHistoryRollup1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE llm_history_hourly (
        bucket_start timestamp with time zone NOT NULL,
        node_type varchar(50) NOT NULL,
        history_rows bigint NOT NULL,
        quality_score_sum numeric NOT NULL,
        quality_score_count bigint NOT NULL,
        validation_passed_count bigint NOT NULL,
        CONSTRAINT llm_history_hourly_pkey PRIMARY KEY (bucket_start, node_type)
      )
    `);
    await queryRunner.query(`COMMENT ON TABLE llm_history_hourly IS
      'Hourly rollup of llm_generation_history (immutable fields only) up to the history_hourly watermark'`);
    await queryRunner.query(`COMMENT ON COLUMN llm_history_hourly.quality_score_sum IS
      'Sum of quality_score::numeric (15 significant digits each): exact whatever the order rows are folded in'`);
    await queryRunner.query(`COMMENT ON COLUMN llm_history_hourly.validation_passed_count IS
      'Rows with validation_passed = true'`);
    await queryRunner.query(`COMMENT ON TABLE llm_rollup_state IS
      'Watermark of each rollup: every row of its source table with (insert_xid, id) <= it is folded in'`);
    await queryRunner.query(`
      INSERT INTO llm_rollup_state (name, watermark_xid, watermark_id)
      VALUES ('history_hourly', 0, '00000000-0000-0000-0000-000000000000')
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM llm_rollup_state WHERE name = 'history_hourly'`);
    await queryRunner.query(`COMMENT ON TABLE llm_rollup_state IS
      'Watermark of each rollup: every metrics row with (insert_xid, id) <= it is folded in'`);
    await queryRunner.query(`DROP TABLE llm_history_hourly`);
  }
}
