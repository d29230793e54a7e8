import { describe, expect, test } from '@jest/globals';
import { loadPriceBook } from '@llm-metrics/db/pricing';
import { prepareGeneration } from '@llm-metrics/db/generation';
import { newGeneration } from '@llm-metrics/db/testing';
import { TEST_ADMIN_KEY, useTestApp } from './harness';

const api = useTestApp();
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
const ingest = async () => ({ Authorization: `Bearer ${await api.keyFor('ingest')}` });
const viewer = async () => ({ Authorization: `Bearer ${await api.keyFor('viewer')}` });

const generation = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  node_type: 'effect',
  service_name: 'PostgresService',
  method_name: 'create_connection',
  tier: 'cloud_fast',
  model_used: 'glm-4.5',
  tokens_input: 1500,
  tokens_output: 800,
  latency_ms: 245.5,
  ...overrides,
});

const count = async (table = 'llm_generation_metrics') =>
  Number((await api.dataSource.query<[{ n: string }]>(`SELECT count(*) AS n FROM ${table}`))[0].n);

interface Page {
  data: { id: string; created_at: string; tier: string }[];
  next_cursor: string | null;
}

describe('POST /api/v1/generations', () => {
  test('one object is recorded as the collector would: derivations, cost, history row', async () => {
    const body = generation({
      created_at: '2026-01-15T12:00:00.000Z',
      finish_reason: 'length',
      prompt_text: 'Implement it.',
      generated_code: 'def f(): ...',
      quality_score: 0.9,
      validation_passed: true,
    });
    const response = await api.http
      .post('/api/v1/generations')
      .set(await ingest())
      .send(body);
    expect(response.status).toBe(201);
    const [recorded] = (response.body as { data: Record<string, string>[] }).data;
    expect(recorded).toMatchObject({ cost_status: 'computed', history_id: expect.any(String) });

    const prices = await loadPriceBook(api.dataSource);
    const expected = prepareGeneration(
      { ...body, created_at: new Date(body.created_at as string) } as never,
      prices,
      new Date(),
    );
    const stored = await api.http.get(`/api/v1/generations/${recorded!.id}`).set(await viewer());
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      tokens_total: 2300,
      truncated: true,
      prompt_length: 13,
      response_length: 12,
      cost_usd: expected.metrics.cost_usd,
      cost_status: 'computed',
      price_version_id: expected.metrics.price_version_id,
      created_at: '2026-01-15T12:00:00.000Z',
    });
    const [history] = await api.dataSource.query<{ correlation_id: string; quality_score: number }[]>(
      `SELECT correlation_id, quality_score FROM llm_generation_history WHERE id = $1`,
      [recorded!.history_id],
    );
    expect(history).toEqual({ correlation_id: recorded!.correlation_id, quality_score: 0.9 });
  });

  test('an unknown tier is recorded unpriced, never as $0', async () => {
    const response = await api.http
      .post('/api/v1/generations')
      .set(await ingest())
      .send(generation({ tier: 'nowhere' }));
    expect(response.status).toBe(201);
    expect((response.body as { data: unknown[] }).data[0]).toMatchObject({
      cost_status: 'unpriced',
      cost_usd: null,
    });
  });

  test('an array is recorded in one go, in its order', async () => {
    const before = await count();
    const items = Array.from({ length: 1000 }, (_, index) => generation({ tokens_input: index }));
    const response = await api.http.post('/api/v1/generations').set(admin).send(items);
    expect(response.status).toBe(201);
    expect((response.body as { data: unknown[] }).data).toHaveLength(1000);
    expect(await count()).toBe(before + 1000);
  });

  test('one bad item rejects the whole batch, naming every offending field by its path', async () => {
    const before = await count();
    const items = [
      generation(),
      generation(),
      generation({ tokens_input: -1 }),
      generation({ tokens_input: 'many' }),
      generation({ colour: 'red' }),
      'junk',
      generation({ created_at: 'yesterday' }),
      generation({ tokens_cached_input: 2000 }),
    ];
    const response = await api.http
      .post('/api/v1/generations')
      .set(await ingest())
      .send(items);
    expect(response.status).toBe(400);
    const fields = (response.body as { fields: { field: string }[] }).fields.map(({ field }) => field);
    expect(fields).toEqual([
      '2.tokens_input',
      '3.tokens_input',
      '4.colour',
      '5',
      '6.created_at',
      '7.tokens_cached_input',
    ]);
    expect(await count()).toBe(before);
  });

  test.each([
    ['an empty array', 'body', []],
    ['too many items', 'body', Array.from({ length: 1001 }, () => ({}))],
    ['a missing tier', 'tier', { ...generation(), tier: undefined }],
    ['a float token count', 'tokens_output', generation({ tokens_output: 1.5 })],
    ['a string latency', 'latency_ms', generation({ latency_ms: '12' })],
    ['a float cost', 'cost_usd', generation({ cost_usd: 0.1 })],
    ['an unknown finish_reason', 'finish_reason', generation({ finish_reason: 'bored' })],
    ['history without a score', 'quality_score', generation({ prompt_text: 'p', validation_passed: true })],
    ['a NUL in a name', 'method_name', generation({ method_name: 'a\u0000b' })],
  ])('%s is a 400 naming %s', async (_, field, body) => {
    const before = await count();
    const response = await api.http
      .post('/api/v1/generations')
      .set(await ingest())
      .send(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field }] });
    expect(await count()).toBe(before);
  });

  test('resending an id already stored is a 409 and writes nothing', async () => {
    const item = generation({
      id: '11111111-2222-4333-8444-555555555555',
      created_at: '2026-01-10T00:00:00Z',
    });
    expect((await api.http.post('/api/v1/generations').set(admin).send(item)).status).toBe(201);
    const before = await count();
    const again = await api.http.post('/api/v1/generations').set(admin).send([generation(), item]);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT', fields: [{ field: 'id' }] });
    expect(await count()).toBe(before);
  });

  test('a viewer key may not record', async () => {
    const response = await api.http
      .post('/api/v1/generations')
      .set(await viewer())
      .send(generation());
    expect(response.status).toBe(403);
  });
});

describe('GET /api/v1/generations', () => {
  const from = '2025-03-01T00:00:00Z';
  const to = '2025-03-02T00:00:00Z';

  test('pages through a filtered range with an opaque cursor, newest first, each row once', async () => {
    const base = Date.parse('2025-03-01T10:00:00Z');
    for (let index = 0; index < 25; index += 1) {
      await newGeneration(api.dataSource, {
        tier: index % 2 === 0 ? 'local' : 'cloud_fast',
        // Three rows share each instant: the id breaks the tie.
        created_at: new Date(base + Math.floor(index / 3) * 1000),
      });
    }
    await newGeneration(api.dataSource, { tier: 'local', created_at: new Date('2025-03-03T00:00:00Z') });

    const seen: Page['data'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await api.http
        .get('/api/v1/generations')
        .query({ from, to, tier: 'local', limit: 5, ...(cursor === null ? {} : { cursor }) })
        .set(await viewer());
      expect(response.status).toBe(200);
      const page = response.body as Page;
      seen.push(...page.data);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(13);
    expect(new Set(seen.map(({ id }) => id)).size).toBe(13);
    expect(seen.every(({ tier }) => tier === 'local')).toBe(true);
    const times = seen.map(({ created_at }) => Date.parse(created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  test.each([
    [{ cursor: 'not a cursor!' }, 'cursor'],
    [{ cursor: Buffer.from('{"at":"x","id":"y"}').toString('base64url') }, 'cursor'],
    [{ cursor: Buffer.from('[1]').toString('base64url') }, 'cursor'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 1001 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2025-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' }, 'from'],
    [{ from: '2025-03-02T00:00:00Z', to: '2025-03-01T00:00:00Z' }, 'from'],
    [{ session_id: 'nope' }, 'session_id'],
    [{ cost_status: 'free' }, 'cost_status'],
    [{ tier: 'x'.repeat(51) }, 'tier'],
    [{ tier: ['a', 'b'] }, 'tier'],
    [{ colour: 'red' }, 'colour'],
  ])('query %j is a 400 naming %s', async (query, field) => {
    const response = await api.http
      .get('/api/v1/generations')
      .query(query)
      .set(await viewer());
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });

  test('filters combine; SQL in a filter is just a value', async () => {
    const session = '0a0a0a0a-0000-4000-8000-000000000001';
    await newGeneration(api.dataSource, {
      session_id: session,
      finish_reason: 'stop',
      cost_status: 'provided',
      created_at: new Date('2025-04-01T01:00:00Z'),
    });
    const query = { from: '2025-04-01T00:00:00Z', to: '2025-04-02T00:00:00Z' };
    const hit = await api.http
      .get('/api/v1/generations')
      .query({
        ...query,
        session_id: session,
        finish_reason: 'stop',
        cost_status: 'provided',
        model_used: 'glm-4.5',
      })
      .set(await viewer());
    expect((hit.body as Page).data).toHaveLength(1);
    const miss = await api.http
      .get('/api/v1/generations')
      .query({ ...query, service_name: "x' OR '1'='1" })
      .set(await viewer());
    expect(miss.status).toBe(200);
    expect((miss.body as Page).data).toHaveLength(0);
  });

  test('GET /:id is a 404 for an unknown id and a 400 for a malformed one', async () => {
    const unknown = await api.http
      .get('/api/v1/generations/00000000-0000-4000-8000-000000000000')
      .set(await viewer());
    expect(unknown.status).toBe(404);
    const malformed = await api.http.get('/api/v1/generations/42').set(await viewer());
    expect(malformed.status).toBe(400);
  });
});
