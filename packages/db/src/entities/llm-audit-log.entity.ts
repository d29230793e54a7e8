import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One change to tiers, prices or API keys (table `llm_audit_log`). */
@Entity({
  name: 'llm_audit_log',
  comment: 'Who changed tiers, prices and API keys, when, with the row before and after',
})
@Index('idx_llm_audit_log_entity', ['entity_type', 'entity_id', 'occurred_at'])
export class LlmAuditLog {
  /** bigint: a string in TypeScript. */
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'llm_audit_log_pkey',
    comment: 'Order of the entries',
  })
  id!: string;

  @CreateDateColumn({ type: 'timestamp with time zone', comment: 'When the change was committed' })
  occurred_at!: Date;

  @Column({
    type: 'varchar',
    length: 100,
    comment: 'Who made the change: the name and id of the API key used',
  })
  actor!: string;

  @Column({
    type: 'varchar',
    length: 50,
    comment: 'What was done, e.g. tier.create, price.add, api_key.revoke',
  })
  action!: string;

  @Column({
    type: 'varchar',
    length: 50,
    comment: 'Kind of the changed row, e.g. tier, price_version, api_key',
  })
  entity_type!: string;

  @Column({ type: 'varchar', length: 255, comment: 'Identifier of the changed row' })
  entity_id!: string;

  @Column({ type: 'jsonb', nullable: true, comment: 'The row before the change; NULL for a creation' })
  before!: object | null;

  @Column({ type: 'jsonb', nullable: true, comment: 'The row after the change; NULL for a deletion' })
  after!: object | null;

  @Column({
    type: 'varchar',
    length: 100,
    nullable: true,
    comment: 'Request id of the API call, to find it in the logs',
  })
  request_id!: string | null;
}
