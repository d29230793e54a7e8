import { type ApiKeyRole, LlmApiKey } from '@llm-metrics/db/entities';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import type { ApiConfig } from '../config';
import type { Principal } from '../auth/access';
import { ApiException } from '../common/api-error';
import { AuditService, type ChangeContext } from '../audit/audit.service';

/** How long a verified key is trusted without asking the database again (and how late a revoke can bite on another replica). */
const CACHE_TTL_MS = 10_000;
const CACHE_MAX_ENTRIES = 10_000;
const KEY_PREFIX = 'lmk_';
/** Characters of a key kept in the clear so an admin can recognise it in a list. */
const SHOWN_PREFIX_LENGTH = 12;

export interface CreatedApiKey {
  readonly row: LlmApiKey;
  /** The key itself: shown once, never stored. */
  readonly key: string;
}

/** Creates, lists, revokes and verifies API keys; only SHA-256 hashes reach the database. */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { principal: Principal | undefined; expires: number }>();
  private readonly bootstrapHash: Buffer | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    config: ConfigService<ApiConfig, true>,
  ) {
    const bootstrap = config.get('adminApiKey', { infer: true });
    this.bootstrapHash = bootstrap === undefined ? undefined : sha256(bootstrap);
  }

  /** The principal a presented key stands for, or undefined when it is unknown or revoked. */
  async authenticate(key: string): Promise<Principal | undefined> {
    const hash = sha256(key);
    if (this.bootstrapHash !== undefined && timingSafeEqual(hash, this.bootstrapHash)) {
      return { id: null, name: 'ADMIN_API_KEY', role: 'admin' };
    }
    const hex = hash.toString('hex');
    const cached = this.cache.get(hex);
    if (cached !== undefined && cached.expires > Date.now()) return cached.principal;

    // TypeORM answers an UPDATE with [rows, affected count].
    const [[row]] = await this.dataSource.query<[{ id: string; name: string; role: ApiKeyRole }[], number]>(
      `UPDATE llm_api_keys
          SET last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < now() - interval '1 minute'
                                  THEN now() ELSE last_used_at END
        WHERE key_hash = $1 AND revoked_at IS NULL
        RETURNING id, name, role`,
      [hex],
    );
    const principal = row === undefined ? undefined : { id: row.id, name: row.name, role: row.role };
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(hex, { principal, expires: Date.now() + CACHE_TTL_MS });
    return principal;
  }

  async create(name: string, role: ApiKeyRole, change: ChangeContext): Promise<CreatedApiKey> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager.save(
        manager.create(LlmApiKey, {
          name,
          role,
          key_prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
          key_hash: sha256(key).toString('hex'),
          created_by: change.actor,
        }),
      );
      const created = await manager.findOneByOrFail(LlmApiKey, { id: inserted.id });
      await this.audit.record(manager, change, {
        action: 'api_key.create',
        entity_type: 'api_key',
        entity_id: created.id,
        before: null,
        after: created,
      });
      return created;
    });
    return { row, key };
  }

  list(): Promise<LlmApiKey[]> {
    return this.dataSource.getRepository(LlmApiKey).find({ order: { created_at: 'ASC', id: 'ASC' } });
  }

  /** Revokes a key (kept for the audit trail); revoking a revoked key is a 404 like an unknown one. */
  async revoke(id: string, change: ChangeContext): Promise<LlmApiKey> {
    const { after, keyHash } = await this.dataSource.transaction(async (manager) => {
      const before = await manager.findOne(LlmApiKey, {
        where: { id, revoked_at: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (before === null) throw ApiException.notFound('API key', id);
      // TypeORM answers an UPDATE with [rows, affected count].
      const [[{ key_hash }]] = await manager.query<[[{ key_hash: string }], number]>(
        `UPDATE llm_api_keys SET revoked_at = now() WHERE id = $1 RETURNING key_hash`,
        [id],
      );
      const after = await manager.findOneByOrFail(LlmApiKey, { id });
      await this.audit.record(manager, change, {
        action: 'api_key.revoke',
        entity_type: 'api_key',
        entity_id: id,
        before,
        after,
      });
      return { after, keyHash: key_hash };
    });
    // After the commit, so that no request can cache the key as valid again in between.
    this.cache.delete(keyHash);
    return after;
  }
}

/** One-shot hashing: a third of the time of a `createHash` object, and it runs on every request. */
function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}
