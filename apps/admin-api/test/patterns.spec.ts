import { describe, expect, test } from '@jest/globals';
import { LlmAuditLog } from '@llm-metrics/db/entities';
import { newPattern } from '@llm-metrics/db/testing';
import { TEST_ADMIN_KEY, useTestApp } from './harness';

const api = useTestApp();
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
const viewer = async () => ({ Authorization: `Bearer ${await api.keyFor('viewer')}` });
const ingest = async () => ({ Authorization: `Bearer ${await api.keyFor('ingest')}` });

interface Pattern {
  id: string;
  usage_count: number;
  avg_quality_score: number | null;
  last_used_at: string | null;
  pattern_type: string;
}
interface Page {
  data: Pattern[];
  next_cursor: string | null;
}

async function all(query: Record<string, unknown>): Promise<Pattern[]> {
  const seen: Pattern[] = [];
  let cursor: string | null = null;
  do {
    const response = await api.http
      .get('/api/v1/patterns')
      .query({ ...query, limit: 2, ...(cursor === null ? {} : { cursor }) })
      .set(await viewer());
    expect(response.status).toBe(200);
    const page = response.body as Page;
    seen.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return seen;
}

describe('GET /api/v1/patterns', () => {
  test('filters by type and node type, sorts by quality, usage or recency, and pages each way', async () => {
    const made = [];
    for (let index = 0; index < 7; index += 1) {
      made.push(
        await newPattern(api.dataSource, {
          pattern_type: index % 2 === 0 ? 'common_error' : 'high_quality_prompt',
          node_type: 'reducer',
          avg_quality_score: index === 3 ? null : index / 10,
          usage_count: (index * 3) % 7,
          last_used_at: index === 5 ? null : new Date(Date.UTC(2026, 0, 1 + index)),
          pattern_data: { index },
        }),
      );
    }
    const byQuality = await all({ node_type: 'reducer', sort: 'quality' });
    expect(byQuality.map(({ avg_quality_score }) => avg_quality_score)).toEqual([
      0.6,
      0.5,
      0.4,
      0.2,
      0.1,
      0,
      null,
    ]);
    const byUsage = await all({ node_type: 'reducer', sort: 'usage' });
    expect(byUsage.map(({ usage_count }) => usage_count)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    const byRecency = await all({ node_type: 'reducer', sort: 'recency' });
    expect(byRecency).toHaveLength(7);
    const errors = await all({ node_type: 'reducer', pattern_type: 'common_error' });
    expect(errors).toHaveLength(4);
    expect(errors.every(({ pattern_type }) => pattern_type === 'common_error')).toBe(true);
  });

  test.each([
    [{ sort: 'random' }, 'sort'],
    [{ pattern_type: 'nice' }, 'pattern_type'],
    [{ cursor: 'e30' }, 'cursor'],
    [{ limit: -1 }, 'limit'],
  ])('query %j is a 400 naming %s', async (query, field) => {
    const response = await api.http
      .get('/api/v1/patterns')
      .query(query)
      .set(await viewer());
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });

  test('a cursor of one sort is refused by another', async () => {
    for (let index = 0; index < 3; index += 1)
      await newPattern(api.dataSource, { node_type: 'orchestrator' });
    const first = await api.http
      .get('/api/v1/patterns')
      .query({ node_type: 'orchestrator', sort: 'usage', limit: 1 })
      .set(await viewer());
    const { next_cursor } = first.body as Page;
    const response = await api.http
      .get('/api/v1/patterns')
      .query({ node_type: 'orchestrator', sort: 'quality', cursor: next_cursor })
      .set(await viewer());
    expect(response.status).toBe(400);
  });
});

describe('GET/PATCH/DELETE /api/v1/patterns/:id', () => {
  test('an admin curates pattern_data, score and node type; the change is audited', async () => {
    const pattern = await newPattern(api.dataSource);
    const response = await api.http
      .patch(`/api/v1/patterns/${pattern.id}`)
      .set(admin)
      .send({ pattern_data: { template: 'Implement <*>.' }, avg_quality_score: null });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      pattern_data: { template: 'Implement <*>.' },
      avg_quality_score: null,
      node_type: 'effect',
      usage_count: 5,
    });
    const got = await api.http.get(`/api/v1/patterns/${pattern.id}`).set(await viewer());
    expect(got.body).toEqual(response.body);
    const [entry] = await api.dataSource
      .getRepository(LlmAuditLog)
      .find({ where: { entity_id: pattern.id } });
    expect(entry).toMatchObject({
      action: 'pattern.update',
      before: { avg_quality_score: 0.9 },
      after: { avg_quality_score: null },
    });
  });

  test.each([
    [{}, 'body'],
    [{ usage_count: 100 }, 'usage_count'],
    [{ pattern_type: 'common_error' }, 'pattern_type'],
    [{ pattern_data: null }, 'pattern_data'],
    [{ pattern_data: [1, 2] }, 'pattern_data'],
    [{ pattern_data: { text: 'a\u0000' } }, 'pattern_data'],
    [{ avg_quality_score: 1.2 }, 'avg_quality_score'],
    [{ node_type: 'x'.repeat(51) }, 'node_type'],
  ])('body %j is a 400 naming %s', async (body, field) => {
    const pattern = await newPattern(api.dataSource);
    const response = await api.http.patch(`/api/v1/patterns/${pattern.id}`).set(admin).send(body);
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });

  test('delete answers the row, audits it, then 404s', async () => {
    const pattern = await newPattern(api.dataSource);
    const deleted = await api.http.delete(`/api/v1/patterns/${pattern.id}`).set(admin);
    expect(deleted.status).toBe(200);
    expect((deleted.body as Pattern).id).toBe(pattern.id);
    expect((await api.http.get(`/api/v1/patterns/${pattern.id}`).set(await viewer())).status).toBe(404);
    expect((await api.http.delete(`/api/v1/patterns/${pattern.id}`).set(admin)).status).toBe(404);
    const entries = await api.dataSource
      .getRepository(LlmAuditLog)
      .find({ where: { entity_id: pattern.id } });
    expect(entries.map(({ action }) => action)).toEqual(['pattern.delete']);
  });

  test('viewers and ingest keys may not curate', async () => {
    const pattern = await newPattern(api.dataSource);
    for (const headers of [await viewer(), await ingest()]) {
      expect(
        (await api.http.patch(`/api/v1/patterns/${pattern.id}`).set(headers).send({ node_type: 'x' })).status,
      ).toBe(403);
      expect((await api.http.delete(`/api/v1/patterns/${pattern.id}`).set(headers)).status).toBe(403);
    }
  });
});

describe('POST /api/v1/patterns/:id/uses', () => {
  test('concurrent uses each count once and move last_used_at', async () => {
    const pattern = await newPattern(api.dataSource, { usage_count: 0, last_used_at: null });
    const headers = await ingest();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api.http.post(`/api/v1/patterns/${pattern.id}/uses`).set(headers)),
    );
    expect(responses.every(({ status }) => status === 200)).toBe(true);
    const got = (await api.http.get(`/api/v1/patterns/${pattern.id}`).set(await viewer())).body as Pattern;
    expect(got.usage_count).toBe(20);
    expect(Date.now() - Date.parse(got.last_used_at!)).toBeLessThan(60_000);
  });

  test('an unknown pattern is a 404, a malformed id a 400', async () => {
    const headers = await ingest();
    expect(
      (await api.http.post('/api/v1/patterns/00000000-0000-4000-8000-000000000000/uses').set(headers)).status,
    ).toBe(404);
    expect((await api.http.post('/api/v1/patterns/zzz/uses').set(headers)).status).toBe(400);
  });
});
