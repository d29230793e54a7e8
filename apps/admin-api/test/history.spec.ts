import { describe, expect, test } from '@jest/globals';
import { newHistory } from '@llm-metrics/db/testing';
import { useTestApp } from './harness';

const api = useTestApp();
const ingest = async () => ({ Authorization: `Bearer ${await api.keyFor('ingest')}` });
const viewer = async () => ({ Authorization: `Bearer ${await api.keyFor('viewer')}` });

const CORRELATION = '5e0c3c2a-1111-4222-8333-444455556666';
const history = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  correlation_id: CORRELATION,
  node_type: 'effect',
  method_name: 'create_connection',
  prompt_text: 'Implement create_connection.',
  generated_code: 'def create_connection(): ...',
  quality_score: 0.8,
  validation_passed: true,
  ...overrides,
});

const count = async () =>
  Number(
    (await api.dataSource.query<[{ n: string }]>(`SELECT count(*) AS n FROM llm_generation_history`))[0].n,
  );

interface HistoryPage {
  data: { id: string; quality_score: number; validation_passed: boolean }[];
  next_cursor: string | null;
}

describe('POST /api/v1/history', () => {
  test('records one row or a batch, and GET /:id returns it', async () => {
    const one = await api.http
      .post('/api/v1/history')
      .set(await ingest())
      .send(history({ created_at: '2026-01-15T12:00:00Z', user_feedback: 'fine' }));
    expect(one.status).toBe(201);
    const [{ id }] = (one.body as { data: [{ id: string }] }).data;
    const stored = await api.http.get(`/api/v1/history/${id}`).set(await viewer());
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      correlation_id: CORRELATION,
      quality_score: 0.8,
      user_feedback: 'fine',
      user_accepted: null,
      created_at: '2026-01-15T12:00:00.000Z',
    });

    const batch = await api.http
      .post('/api/v1/history')
      .set(await ingest())
      .send([history(), history({ quality_score: 0.1 })]);
    expect(batch.status).toBe(201);
    expect((batch.body as { data: unknown[] }).data).toHaveLength(2);
  });

  test('a bad item rejects the batch naming each field; nothing is written', async () => {
    const before = await count();
    const response = await api.http
      .post('/api/v1/history')
      .set(await ingest())
      .send([
        history(),
        history({ quality_score: 2 }),
        history({ correlation_id: undefined }),
        history({ tier: 'x' }),
      ]);
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map(({ field }) => field)).toEqual([
      '1.quality_score',
      '2.correlation_id',
      '3.tier',
    ]);
    expect(await count()).toBe(before);
  });

  test('GET /:id: 404 unknown, 400 malformed', async () => {
    expect(
      (await api.http.get('/api/v1/history/00000000-0000-4000-8000-000000000000').set(await viewer())).status,
    ).toBe(404);
    expect((await api.http.get('/api/v1/history/abc').set(await viewer())).status).toBe(400);
  });
});

describe('GET /api/v1/history', () => {
  test('filters by quality range and validation, and pages with a cursor', async () => {
    const base = Date.parse('2025-05-01T00:00:00Z');
    for (let index = 0; index < 12; index += 1) {
      await newHistory(api.dataSource, {
        quality_score: index / 11,
        validation_passed: index % 3 !== 0,
        created_at: new Date(base + index * 60_000),
      });
    }
    const seen: HistoryPage['data'] = [];
    let cursor: string | null = null;
    do {
      const response = await api.http
        .get('/api/v1/history')
        .query({
          from: '2025-05-01T00:00:00Z',
          to: '2025-05-02T00:00:00Z',
          min_quality: 0.25,
          max_quality: 0.95,
          validation_passed: 'true',
          limit: 2,
          ...(cursor === null ? {} : { cursor }),
        })
        .set(await viewer());
      expect(response.status).toBe(200);
      const page = response.body as HistoryPage;
      seen.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    // index 3..10 with quality in range, minus 3, 6, 9 (validation failed)
    expect(seen.map(({ quality_score }) => Math.round(quality_score * 11))).toEqual([10, 8, 7, 5, 4]);
  });

  test.each([
    [{ min_quality: 'high' }, 'min_quality'],
    [{ min_quality: 1.5 }, 'min_quality'],
    [{ max_quality: -0.1 }, 'max_quality'],
    [{ min_quality: 0.9, max_quality: 0.1 }, 'min_quality'],
    [{ validation_passed: 'yes' }, 'validation_passed'],
    [{ tier: 'local' }, 'tier'],
    [{ cursor: 'eyJ9' }, 'cursor'],
  ])('query %j is a 400 naming %s', async (query, field) => {
    const response = await api.http
      .get('/api/v1/history')
      .query(query)
      .set(await viewer());
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });
});

describe('PATCH /api/v1/history/:id/feedback', () => {
  test('sets the fields given, keeps the others, and null resets one', async () => {
    const row = await newHistory(api.dataSource, { user_feedback: 'first look' });
    const url = `/api/v1/history/${row.id}/feedback`;
    const accepted = await api.http
      .patch(url)
      .set(await ingest())
      .send({ user_accepted: true, manual_edits_required: false });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      user_accepted: true,
      manual_edits_required: false,
      user_feedback: 'first look',
    });

    const cleared = await api.http
      .patch(url)
      .set(await ingest())
      .send({ user_feedback: null });
    expect(cleared.body).toMatchObject({
      user_accepted: true,
      manual_edits_required: false,
      user_feedback: null,
    });
  });

  test.each([
    [{}, 'body'],
    [{ user_accepted: 'yes' }, 'user_accepted'],
    [{ user_feedback: 42 }, 'user_feedback'],
    [{ user_feedback: 'a\u0000b' }, 'user_feedback'],
    [{ quality_score: 1 }, 'quality_score'],
  ])('body %j is a 400 naming %s', async (body, field) => {
    const row = await newHistory(api.dataSource);
    const response = await api.http
      .patch(`/api/v1/history/${row.id}/feedback`)
      .set(await ingest())
      .send(body);
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
    const [stored] = await api.dataSource.query<[{ user_accepted: boolean | null }]>(
      `SELECT user_accepted FROM llm_generation_history WHERE id = $1`,
      [row.id],
    );
    expect(stored.user_accepted).toBeNull();
  });

  test('an unknown row is a 404; a viewer may not give feedback', async () => {
    const unknown = await api.http
      .patch('/api/v1/history/00000000-0000-4000-8000-000000000000/feedback')
      .set(await ingest())
      .send({ user_accepted: true });
    expect(unknown.status).toBe(404);
    const row = await newHistory(api.dataSource);
    const refused = await api.http
      .patch(`/api/v1/history/${row.id}/feedback`)
      .set(await viewer())
      .send({ user_accepted: true });
    expect(refused.status).toBe(403);
  });
});
