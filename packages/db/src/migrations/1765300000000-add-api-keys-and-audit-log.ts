import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the admin API needs to be secured and accountable.
 *
 * - `llm_api_keys`: keys by role (`admin` everything, `viewer` reads, `ingest` writes generations,
 *   history and feedback). Only a SHA-256 of the key is stored (keys are 256 random bits, so a slow
 *   hash adds nothing); `key_prefix` lets an admin recognise a key without it being recoverable.
 *   A deleted key is revoked, not removed, so the audit log keeps pointing at it.
 * - `llm_audit_log`: who changed prices, tiers or keys, when, and the row before and after.
 */
export class AddApiKeysAndAuditLog1765300000000 implements MigrationInterface {
  name = 'AddApiKeysAndAuditLog1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE llm_api_keys (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        role varchar(20) NOT NULL,
        key_prefix varchar(16) NOT NULL,
        key_hash char(64) NOT NULL,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        created_by varchar(100) NOT NULL,
        last_used_at timestamp with time zone,
        revoked_at timestamp with time zone,
        CONSTRAINT llm_api_keys_pkey PRIMARY KEY (id),
        CONSTRAINT uq_llm_api_keys_hash UNIQUE (key_hash),
        CONSTRAINT chk_llm_api_keys_role CHECK (role IN ('admin', 'viewer', 'ingest'))
      )
    `);
    await queryRunner.query(`COMMENT ON TABLE llm_api_keys IS
      'API keys of the admin API; only a SHA-256 of each key is stored'`);
    const keyComments: Record<string, string> = {
      id: 'Unique identifier',
      name: 'What the key is for, as its creator named it',
      role: 'admin (everything), viewer (reads) or ingest (writes generations, history, feedback)',
      key_prefix: 'First characters of the key, to recognise it; the key itself is never stored',
      key_hash: 'SHA-256 of the key, hex',
      created_at: 'When the key was created',
      created_by: 'Who created the key (the name of the creating key)',
      last_used_at: 'Last time the key was accepted (updated at most once a minute)',
      revoked_at: 'When the key was revoked; NULL while it is valid',
    };
    for (const [column, comment] of Object.entries(keyComments)) {
      await queryRunner.query(`COMMENT ON COLUMN llm_api_keys.${column} IS '${comment}'`);
    }

    await queryRunner.query(`
      CREATE TABLE llm_audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY,
        occurred_at timestamp with time zone NOT NULL DEFAULT now(),
        actor varchar(100) NOT NULL,
        action varchar(50) NOT NULL,
        entity_type varchar(50) NOT NULL,
        entity_id varchar(255) NOT NULL,
        before jsonb,
        after jsonb,
        request_id varchar(100),
        CONSTRAINT llm_audit_log_pkey PRIMARY KEY (id)
      )
    `);
    await queryRunner.query(
      `CREATE INDEX idx_llm_audit_log_entity ON llm_audit_log (entity_type, entity_id, occurred_at)`,
    );
    await queryRunner.query(`COMMENT ON TABLE llm_audit_log IS
      'Who changed tiers, prices and API keys, when, with the row before and after'`);
    const auditComments: Record<string, string> = {
      id: 'Order of the entries',
      occurred_at: 'When the change was committed',
      actor: 'Who made the change: the name and id of the API key used',
      action: 'What was done, e.g. tier.create, price.add, api_key.revoke',
      entity_type: 'Kind of the changed row, e.g. tier, price_version, api_key',
      entity_id: 'Identifier of the changed row',
      before: 'The row before the change; NULL for a creation',
      after: 'The row after the change; NULL for a deletion',
      request_id: 'Request id of the API call, to find it in the logs',
    };
    for (const [column, comment] of Object.entries(auditComments)) {
      await queryRunner.query(`COMMENT ON COLUMN llm_audit_log.${column} IS '${comment}'`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE llm_audit_log`);
    await queryRunner.query(`DROP TABLE llm_api_keys`);
  }
}
