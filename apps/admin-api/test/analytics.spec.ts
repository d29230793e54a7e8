import { beforeAll, describe, expect, test } from '@jest/globals';
import { refreshRollups } from '@llm-metrics/db/rollups';
import { SEED_EXAMPLES, seededRandom } from '@llm-metrics/db/testing';
import { useTestApp } from './harness';

const api = useTestApp();
const viewer = async () => ({ Authorization: `Bearer ${await api.keyFor('viewer')}` });
const HOUR_MS = 3600_000;

const { costByModel: QUERY_COST_BY_MODEL, highQualityPatterns: FIND_HIGH_QUALITY_PATTERNS } = SEED_EXAMPLES;

const MODELS = [
  ['local', 'ollama/codellama:7b'],
  ['cloud_fast', 'glm-4.5'],
  ['cloud_premium', 'glm-4.6'],
  ['experimental', 'unpriced-model'],
] as const;

/** Generations over the last 6 days (and some 10 days ago, outside the seed's window), through the API. */
function generations(count: number, seed: number, at: (index: number) => number): object[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const [tier, model_used] = MODELS[index % MODELS.length]!;
    const withHistory = index % 5 === 0;
    return {
      node_type: ['effect', 'compute', 'reducer'][index % 3],
      service_name: index % 7 === 0 ? 'Billing, "EU"' : 'PostgresService',
      method_name: `method_${index % 4}`,
      tier,
      model_used,
      tokens_input: Math.floor(random() * 5000),
      tokens_output: Math.floor(random() * 2000),
      latency_ms: Math.round(random() * 3000 * 100) / 100,
      syntax_valid: random() < 0.9,
      finish_reason: random() < 0.1 ? 'length' : 'stop',
      created_at: new Date(at(index)).toISOString(),
      ...(withHistory
        ? {
            prompt_text: `Implement method_${index % 4}.`,
            generated_code: 'def f(): ...',
            // Distinct scores, so the seed's ORDER BY has no ties.
            quality_score: 0.6 + (seed * 1000 + index) / 10_000,
            validation_passed: index % 3 !== 0,
          }
        : {}),
    };
  });
}

async function post(items: object[]): Promise<void> {
  const response = await api.http
    .post('/api/v1/generations')
    .set('Authorization', `Bearer ${await api.keyFor('ingest')}`)
    .send(items);
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  const now = Date.now();
  // Two thirds rolled up, one third (and the old rows) only raw: the report reads both.
  await post(generations(400, 1, (index) => now - 6 * 24 * HOUR_MS + index * 10 * 60_000));
  await post(generations(20, 2, (index) => now - 10 * 24 * HOUR_MS + index * 60_000));
  await refreshRollups(api.dataSource);
  await post(generations(200, 3, (index) => now - 2 * HOUR_MS - index * 7 * 60_000));
});

interface CostRow {
  tier: string;
  model_used: string;
  generations: number;
  total_cost: string;
  avg_latency: number;
  unpriced: number;
}

describe('GET /api/v1/analytics/cost', () => {
  test("equals the seed's cost-by-model query on the same data", async () => {
    const response = await api.http.get('/api/v1/analytics/cost').set(await viewer());
    expect(response.status).toBe(200);
    const { data, unpriced_generations } = response.body as { data: CostRow[]; unpriced_generations: number };
    const seed = await api.dataSource.query<
      {
        tier: string;
        model_used: string;
        generations: string;
        total_cost: string | null;
        avg_latency: number;
      }[]
    >(QUERY_COST_BY_MODEL);

    expect(data.map(({ tier, model_used }) => `${tier}/${model_used}`).sort()).toEqual(
      seed.map(({ tier, model_used }) => `${tier}/${model_used}`).sort(),
    );
    for (const expected of seed) {
      const row = data.find(
        ({ tier, model_used }) => tier === expected.tier && model_used === expected.model_used,
      )!;
      expect(Object.keys(row).sort()).toEqual(
        [
          'avg_latency',
          'generations',
          'model_used',
          'tier',
          'tokens_cache_write',
          'tokens_cached_input',
          'tokens_input',
          'tokens_output',
          'tokens_reasoning',
          'tokens_total',
          'total_cost',
          'unpriced',
        ].sort(),
      );
      expect(row.generations).toBe(Number(expected.generations));
      // The seed's SUM is NULL for a group with no price at all; the report says 0 and counts them.
      if (expected.total_cost === null) expect(Number(row.total_cost)).toBe(0);
      else expect(row.total_cost).toBe(expected.total_cost);
      expect(row.avg_latency).toBeCloseTo(expected.avg_latency, 9);
    }
    const unpricedGroup = data.find(({ tier }) => tier === 'experimental')!;
    expect(unpricedGroup.unpriced).toBe(unpricedGroup.generations);
    expect(unpriced_generations).toBe(unpricedGroup.generations);
    // Most expensive first, as the seed orders (its NULL group sorts first; ours is 0 and last).
    const costs = data.map(({ total_cost }) => Number(total_cost));
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
  });

  test('groups by any of the fixed fields, day included', async () => {
    const response = await api.http
      .get('/api/v1/analytics/cost')
      .query({ group_by: 'day,node_type' })
      .set(await viewer());
    expect(response.status).toBe(200);
    const rows = (response.body as { data: Record<string, unknown>[] }).data;
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row).not.toHaveProperty('tier');
    }
    const [{ total }] = await api.dataSource.query<[{ total: string }]>(
      `SELECT count(*) AS total FROM llm_generation_metrics WHERE created_at >= now() - interval '7 days'`,
    );
    expect(rows.reduce((sum, row) => sum + Number(row.generations), 0)).toBe(Number(total));
  });

  test('Accept: text/csv answers CSV with a header row and proper quoting', async () => {
    const response = await api.http
      .get('/api/v1/analytics/cost')
      .query({ group_by: 'service_name' })
      .set(await viewer())
      .set('Accept', 'text/csv');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.text.split('\r\n');
    expect(lines[0]).toBe(
      'service_name,generations,tokens_input,tokens_output,tokens_total,tokens_cached_input,' +
        'tokens_cache_write,tokens_reasoning,total_cost,unpriced,avg_latency',
    );
    expect(lines.some((line) => line.startsWith('"Billing, ""EU""",'))).toBe(true);
    expect(lines.at(-1)).toBe('');
  });

  test.each([
    [{ group_by: 'colour' }, 'group_by'],
    [{ group_by: 'tier,tier' }, 'group_by'],
    [{ group_by: 'tier; DROP TABLE llm_generation_metrics' }, 'group_by'],
    [{ from: '2020-01-01T00:00:00Z', to: '2022-01-01T00:00:00Z' }, 'from'],
    [{ to: 'soon' }, 'to'],
  ])('query %j is a 400 naming %s', async (query, field) => {
    const response = await api.http
      .get('/api/v1/analytics/cost')
      .query(query)
      .set(await viewer());
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });
});

describe('concurrent identical reports', () => {
  test('are coalesced yet fresh: a row written before a request is always in its answer', async () => {
    const headers = await viewer();
    const generationsNow = async () => {
      const response = await api.http.get('/api/v1/analytics/cost').query({ group_by: 'tier' }).set(headers);
      expect(response.status).toBe(200);
      return (response.body as { data: CostRow[] }).data.reduce((sum, row) => sum + row.generations, 0);
    };
    const before = await generationsNow();
    const rounds = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        await post([
          {
            node_type: 'effect',
            service_name: 'PostgresService',
            method_name: `concurrent_${index}`,
            tier: 'local',
            model_used: 'ollama/codellama:7b',
            tokens_input: 10,
            tokens_output: 10,
            latency_ms: 1,
            created_at: new Date(Date.now() - 60_000).toISOString(),
          },
        ]);
        return generationsNow();
      }),
    );
    // Each answer counts at least its own row (written before its request) and at most all ten.
    for (const count of rounds) {
      expect(count).toBeGreaterThanOrEqual(before + 1);
      expect(count).toBeLessThanOrEqual(before + 10);
    }
    expect(await generationsNow()).toBe(before + 10);
  });
});

describe('GET /api/v1/analytics/latency and quality', () => {
  test('latency percentiles are within 1.9% of percentile_cont over the raw rows', async () => {
    const response = await api.http
      .get('/api/v1/analytics/latency')
      .query({ group_by: 'tier' })
      .set(await viewer());
    expect(response.status).toBe(200);
    const rows = (response.body as { data: Record<string, number | string>[] }).data;
    const raw = await api.dataSource.query<
      { tier: string; n: string; p50: number; p95: number; p99: number }[]
    >(
      `SELECT tier, count(*) AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
       FROM llm_generation_metrics WHERE created_at >= now() - interval '7 days' GROUP BY tier`,
    );
    expect(rows).toHaveLength(raw.length);
    for (const expected of raw) {
      const row = rows.find(({ tier }) => tier === expected.tier)!;
      expect(row.generations).toBe(Number(expected.n));
      for (const [key, value] of [
        ['p50_latency_ms', expected.p50],
        ['p95_latency_ms', expected.p95],
        ['p99_latency_ms', expected.p99],
      ] as const) {
        expect(Math.abs(Number(row[key]) - value)).toBeLessThanOrEqual(value * 0.019 + 1e-9);
      }
    }
    expect((response.body as { unpriced_generations: number }).unpriced_generations).toBeGreaterThan(0);
  });

  test('quality rates equal the raw rows', async () => {
    const response = await api.http
      .get('/api/v1/analytics/quality')
      .query({ group_by: 'model_used' })
      .set(await viewer());
    expect(response.status).toBe(200);
    const rows = (response.body as { data: Record<string, number | string | null>[] }).data;
    const raw = await api.dataSource.query<{ model_used: string; syntax: number; truncation: number }[]>(
      `SELECT model_used, avg(syntax_valid::int)::float8 AS syntax, avg(truncated::int)::float8 AS truncation
       FROM llm_generation_metrics WHERE created_at >= now() - interval '7 days' GROUP BY model_used`,
    );
    for (const expected of raw) {
      const row = rows.find(({ model_used }) => model_used === expected.model_used)!;
      expect(row.syntax_valid_rate).toBeCloseTo(expected.syntax, 9);
      expect(row.truncation_rate).toBeCloseTo(expected.truncation, 9);
      expect(Number(row.history_rows)).toBeGreaterThan(0);
    }
  });
});

describe('GET /api/v1/analytics/top-generations', () => {
  test("equals the seed's high-quality join, in JSON and CSV", async () => {
    const response = await api.http.get('/api/v1/analytics/top-generations').set(await viewer());
    expect(response.status).toBe(200);
    const seed = await api.dataSource.query<Record<string, unknown>[]>(FIND_HIGH_QUALITY_PATTERNS);
    expect(seed.length).toBe(10);
    expect((response.body as { data: unknown[] }).data).toEqual(seed);

    const csv = await api.http
      .get('/api/v1/analytics/top-generations')
      .query({ limit: 3 })
      .set(await viewer())
      .set('Accept', 'text/csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('node_type,method_name,quality_score,model_used,tokens_total');
    expect(lines).toHaveLength(4);
  });

  test.each([
    [{ min_quality_score: 2 }, 'min_quality_score'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 'NaN' }, 'limit'],
  ])('query %j is a 400 naming %s', async (query, field) => {
    const response = await api.http
      .get('/api/v1/analytics/top-generations')
      .query(query)
      .set(await viewer());
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });
});
