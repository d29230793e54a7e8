import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** What a key may do: `admin` everything, `viewer` reads, `ingest` writes generations and history. */
export const API_KEY_ROLES = ['admin', 'viewer', 'ingest'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** A key of the admin API (table `llm_api_keys`); the key itself is never stored, only its hash. */
@Entity({ name: 'llm_api_keys', comment: 'API keys of the admin API; only a SHA-256 of each key is stored' })
@Unique('uq_llm_api_keys_hash', ['key_hash'])
@Check('chk_llm_api_keys_role', `role IN ('admin', 'viewer', 'ingest')`)
export class LlmApiKey {
  @PrimaryGeneratedColumn('uuid', {
    primaryKeyConstraintName: 'llm_api_keys_pkey',
    comment: 'Unique identifier',
  })
  id!: string;

  @Column({ type: 'varchar', length: 100, comment: 'What the key is for, as its creator named it' })
  name!: string;

  @Column({
    type: 'varchar',
    length: 20,
    comment: 'admin (everything), viewer (reads) or ingest (writes generations, history, feedback)',
  })
  role!: ApiKeyRole;

  @Column({
    type: 'varchar',
    length: 16,
    comment: 'First characters of the key, to recognise it; the key itself is never stored',
  })
  key_prefix!: string;

  @Column({ type: 'char', length: 64, select: false, comment: 'SHA-256 of the key, hex' })
  key_hash!: string;

  @CreateDateColumn({ type: 'timestamp with time zone', comment: 'When the key was created' })
  created_at!: Date;

  @Column({ type: 'varchar', length: 100, comment: 'Who created the key (the name of the creating key)' })
  created_by!: string;

  @Column({
    type: 'timestamp with time zone',
    nullable: true,
    comment: 'Last time the key was accepted (updated at most once a minute)',
  })
  last_used_at!: Date | null;

  @Column({
    type: 'timestamp with time zone',
    nullable: true,
    comment: 'When the key was revoked; NULL while it is valid',
  })
  revoked_at!: Date | null;
}
