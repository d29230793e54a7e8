import { describe, expect, test } from '@jest/globals';
import { LlmApiKey, LlmAuditLog } from '@llm-metrics/db/entities';
import { TEST_ADMIN_KEY, useTestApp } from './harness';

const api = useTestApp();
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

describe('API keys', () => {
  test('a created key is shown once, stored hashed, and works with either header', async () => {
    const created = await api.http
      .post('/api/v1/api-keys')
      .set(admin)
      .send({ name: ' grafana ', role: 'viewer' });
    expect(created.status).toBe(201);
    const { key, id, key_prefix } = created.body as { key: string; id: string; key_prefix: string };
    expect(created.body).toMatchObject({
      name: 'grafana',
      role: 'viewer',
      revoked_at: null,
      created_by: 'ADMIN_API_KEY',
    });
    expect(key).toMatch(/^lmk_[\w-]{43}$/);
    expect(key.startsWith(key_prefix)).toBe(true);

    const [stored] = await api.dataSource.query<[{ key_hash: string }]>(
      `SELECT key_hash FROM llm_api_keys WHERE id = $1`,
      [id],
    );
    expect(stored.key_hash).not.toContain(key);
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await api.http.get('/api/v1/api-keys').set(admin);
    expect(listed.status).toBe(200);
    const row = (listed.body as { data: Record<string, unknown>[] }).data.find((item) => item.id === id);
    expect(row).toBeDefined();
    expect(row).not.toHaveProperty('key');
    expect(row).not.toHaveProperty('key_hash');

    // A viewer key may not manage keys: authenticated (403, not 401) with both header forms.
    expect((await api.http.get('/api/v1/api-keys').set('Authorization', `Bearer ${key}`)).status).toBe(403);
    expect((await api.http.get('/api/v1/api-keys').set('X-API-Key', key)).status).toBe(403);
  });

  test('a revoked key is refused at once; revoking it again is a 404', async () => {
    const { key, id } = (
      await api.http.post('/api/v1/api-keys').set(admin).send({ name: 'ops', role: 'admin' })
    ).body as { key: string; id: string };
    expect((await api.http.get('/api/v1/api-keys').set('X-API-Key', key)).status).toBe(200);

    const revoked = await api.http.delete(`/api/v1/api-keys/${id}`).set('X-API-Key', key);
    expect(revoked.status).toBe(200);
    expect((revoked.body as { revoked_at: unknown }).revoked_at).not.toBeNull();
    const refused = await api.http.get('/api/v1/api-keys').set('X-API-Key', key);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED', fields: [] });

    const again = await api.http.delete(`/api/v1/api-keys/${id}`).set(admin);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('key changes are audited with who, before and after, and the request id', async () => {
    const response = await api.http
      .post('/api/v1/api-keys')
      .set(admin)
      .set('X-Request-Id', 'audit-test-1')
      .send({ name: 'ci', role: 'ingest' });
    const { id } = response.body as { id: string };
    await api.http.delete(`/api/v1/api-keys/${id}`).set(admin);

    const entries = await api.dataSource.getRepository(LlmAuditLog).find({
      where: { entity_type: 'api_key', entity_id: id },
      order: { id: 'ASC' },
    });
    expect(entries.map(({ action }) => action)).toEqual(['api_key.create', 'api_key.revoke']);
    const [created, revoked] = entries as [LlmAuditLog, LlmAuditLog];
    expect(created).toMatchObject({ actor: 'ADMIN_API_KEY', request_id: 'audit-test-1', before: null });
    expect(created.after).toMatchObject({ id, name: 'ci', role: 'ingest' });
    expect(JSON.stringify(entries)).not.toContain('key_hash');
    expect(revoked.before).toMatchObject({ revoked_at: null });
    expect(revoked.after).toMatchObject({ revoked_at: expect.any(String) });
  });

  test.each([
    [{ role: 'viewer' }, 'name'],
    [{ name: '', role: 'viewer' }, 'name'],
    [{ name: '   ', role: 'viewer' }, 'name'],
    [{ name: 'x'.repeat(101), role: 'viewer' }, 'name'],
    [{ name: 'x' }, 'role'],
    [{ name: 'x', role: 'root' }, 'role'],
    [{ name: 'x', role: 'viewer', expires: 'never' }, 'expires'],
    [{ name: 42, role: 'viewer' }, 'name'],
  ])('a bad body %j is a 400 naming %s, and writes nothing', async (body, field) => {
    const before = await api.dataSource.getRepository(LlmApiKey).count();
    const response = await api.http.post('/api/v1/api-keys').set(admin).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
    expect(await api.dataSource.getRepository(LlmApiKey).count()).toBe(before);
  });

  test('a malformed id is a 400 naming it; an unknown one a 404', async () => {
    const malformed = await api.http.delete('/api/v1/api-keys/not-a-uuid').set(admin);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ fields: [{ field: 'id', message: 'must be a UUID' }] });
    const unknown = await api.http.delete('/api/v1/api-keys/00000000-0000-4000-8000-000000000000').set(admin);
    expect(unknown.status).toBe(404);
  });

  test('no key, a malformed header or an unknown key is a 401', async () => {
    for (const headers of [
      {},
      { Authorization: 'Basic abc' },
      { Authorization: 'Bearer nope' },
      { 'X-API-Key': 'nope' },
    ]) {
      const response = await api.http.get('/api/v1/api-keys').set(headers);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ request_id: response.headers['x-request-id'] });
    }
  });
});
