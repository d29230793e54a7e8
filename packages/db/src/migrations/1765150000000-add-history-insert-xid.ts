import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `insert_xid` on `llm_generation_history`, as migration 3 gave metrics: the transaction that inserted
 * the row (xid8 as bigint, set by its default, never updated). Jobs that must read every history row
 * once (the pattern extractor, history rollups) keep a watermark on `(insert_xid, id)` and only take
 * rows whose transaction is older than every one still in progress, so a row committed late or with
 * an old `created_at` is still read exactly once. Existing rows get the migration's transaction.
 */
export class AddHistoryInsertXid1765150000000 implements MigrationInterface {
  name = 'AddHistoryInsertXid1765150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE llm_generation_history ADD COLUMN insert_xid bigint NOT NULL DEFAULT llm_current_xid()
    `);
    await queryRunner.query(`COMMENT ON COLUMN llm_generation_history.insert_xid IS
      'Transaction that inserted the row (xid8); watermarks over history follow (insert_xid, id)'`);
    await queryRunner.query(
      `CREATE INDEX idx_llm_history_insert_xid ON llm_generation_history (insert_xid, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_llm_history_insert_xid`);
    await queryRunner.query(`ALTER TABLE llm_generation_history DROP COLUMN insert_xid`);
  }
}
