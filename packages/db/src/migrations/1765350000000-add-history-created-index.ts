import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `idx_llm_history_created` on `llm_generation_history (created_at DESC, id DESC)`: the keyset of the
 * admin API's history list (newest first, cursor on `(created_at, id)`), which metrics already serve
 * with `idx_llm_metrics_created`. Without it a page reads and sorts every row of the range.
 */
export class AddHistoryCreatedIndex1765350000000 implements MigrationInterface {
  name = 'AddHistoryCreatedIndex1765350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX idx_llm_history_created ON llm_generation_history (created_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_llm_history_created`);
  }
}
