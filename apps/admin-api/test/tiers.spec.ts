import { describe, expect, test } from '@jest/globals';
import {
  LlmAuditLog,
  LlmContextWindow,
  LlmGenerationMetric,
  LlmPriceVersion,
} from '@llm-metrics/db/entities';
import { newGeneration } from '@llm-metrics/db/testing';
import { TEST_ADMIN_KEY, useTestApp } from './harness';

const api = useTestApp();
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

const newTier = (tier: string, overrides: Record<string, unknown> = {}) => ({
  tier,
  model_name: 'glm-5',
  max_tokens: 200000,
  cost_per_1m_input_usd: '0.5',
  cost_per_1m_output_usd: 2,
  ...overrides,
});

interface PriceVersion {
  model_name: string;
  cost_per_1m_input_usd: string;
  cost_per_1m_output_usd: string;
  effective_from: string | null;
  effective_to: string | null;
  in_effect: boolean;
}

const pricesOf = async (tier: string): Promise<PriceVersion[]> =>
  ((await api.http.get(`/api/v1/tiers/${tier}/prices`).set(admin)).body as { data: PriceVersion[] }).data;

describe('reading tiers', () => {
  test('a viewer lists the three seed tiers with their prices as exact decimal strings', async () => {
    const response = await api.http.get('/api/v1/tiers').set('X-API-Key', await api.keyFor('viewer'));
    expect(response.status).toBe(200);
    const { data } = response.body as { data: { tier: string; cost_per_1m_input_usd: string }[] };
    expect(data.map(({ tier }) => tier)).toEqual(
      expect.arrayContaining(['cloud_fast', 'cloud_premium', 'local']),
    );
    expect(data.find(({ tier }) => tier === 'cloud_fast')).toMatchObject({
      model_name: 'glm-4.5',
      max_tokens: 128000,
      cost_per_1m_input_usd: '0.2000000000',
      is_active: true,
    });
  });

  test('one tier, its price history from the beginning, and 404 / 400 for unknown or malformed names', async () => {
    const viewer = { 'X-API-Key': await api.keyFor('viewer') };
    expect((await api.http.get('/api/v1/tiers/local').set(viewer)).body).toMatchObject({ tier: 'local' });
    const prices = await api.http.get('/api/v1/tiers/local/prices').set(viewer);
    expect(prices.status).toBe(200);
    expect((prices.body as { data: PriceVersion[] }).data).toEqual([
      expect.objectContaining({
        model_name: 'ollama/codellama:7b',
        cost_per_1m_input_usd: '0.0000000000',
        effective_from: null,
        effective_to: null,
        in_effect: true,
      }),
    ]);

    for (const url of ['/api/v1/tiers/nope', '/api/v1/tiers/nope/prices']) {
      const missing = await api.http.get(url).set(viewer);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'NOT_FOUND', message: 'tier nope not found' });
    }
    const malformed = await api.http.get(`/api/v1/tiers/${'x'.repeat(51)}`).set(viewer);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ fields: [{ field: 'tier' }] });
    expect((await api.http.get('/api/v1/tiers/Bad%20Name').set(viewer)).status).toBe(400);
  });

  test('a viewer may not change tiers', async () => {
    const viewer = { 'X-API-Key': await api.keyFor('viewer') };
    expect((await api.http.post('/api/v1/tiers').set(viewer).send(newTier('v1'))).status).toBe(403);
    expect((await api.http.patch('/api/v1/tiers/local').set(viewer).send({ max_tokens: 5 })).status).toBe(
      403,
    );
    expect((await api.http.delete('/api/v1/tiers/local').set(viewer)).status).toBe(403);
    const ingest = { 'X-API-Key': await api.keyFor('ingest') };
    expect((await api.http.get('/api/v1/tiers').set(ingest)).status).toBe(403);
  });
});

describe('creating a tier', () => {
  test('creates the tier and its first price version, audited; a number price is taken exactly', async () => {
    const response = await api.http
      .post('/api/v1/tiers')
      .set(admin)
      .set('X-Request-Id', 'create-tier-1')
      .send(
        newTier('cloud_reasoning', {
          cost_per_1m_reasoning_usd: '3.25',
          effective_from: '2026-01-01T00:00:00Z',
        }),
      );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      tier: 'cloud_reasoning',
      model_name: 'glm-5',
      cost_per_1m_input_usd: '0.5000000000',
      cost_per_1m_output_usd: '2.0000000000',
      supports_streaming: true,
      is_active: true,
    });
    const versions = await api.dataSource.getRepository(LlmPriceVersion).findBy({ tier: 'cloud_reasoning' });
    expect(versions).toEqual([
      expect.objectContaining({
        cost_per_1m_reasoning_usd: '3.2500000000',
        effective_from: new Date('2026-01-01T00:00:00Z'),
      }),
    ]);
    const [entry] = await api.dataSource.getRepository(LlmAuditLog).findBy({ request_id: 'create-tier-1' });
    expect(entry).toMatchObject({
      action: 'tier.create',
      entity_type: 'tier',
      actor: 'ADMIN_API_KEY',
      before: null,
    });
    expect(entry?.after).toMatchObject({ tier: 'cloud_reasoning', price_version: { model_name: 'glm-5' } });
  });

  test('a duplicate tier is a 409 naming it, and writes nothing', async () => {
    const response = await api.http.post('/api/v1/tiers').set(admin).send(newTier('cloud_fast'));
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      code: 'CONFLICT',
      fields: [{ field: 'tier', message: 'already exists' }],
    });
    expect(await api.dataSource.getRepository(LlmContextWindow).countBy({ tier: 'cloud_fast' })).toBe(1);
  });

  test.each([
    [{ tier: undefined }, 'tier'],
    [{ tier: 'x'.repeat(51) }, 'tier'],
    [{ tier: 'Upper' }, 'tier'],
    [{ tier: 'has space' }, 'tier'],
    [{ tier: "x'; DROP TABLE llm_context_windows; --" }, 'tier'],
    [{ model_name: '  ' }, 'model_name'],
    [{ model_name: 'm'.repeat(256) }, 'model_name'],
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ max_tokens: -5 }, 'max_tokens'],
    [{ max_tokens: 1.5 }, 'max_tokens'],
    [{ max_tokens: 3_000_000_000 }, 'max_tokens'],
    [{ max_tokens: '128000' }, 'max_tokens'],
    [{ cost_per_1m_input_usd: '-0.1' }, 'cost_per_1m_input_usd'],
    [{ cost_per_1m_input_usd: -1 }, 'cost_per_1m_input_usd'],
    [{ cost_per_1m_input_usd: 'abc' }, 'cost_per_1m_input_usd'],
    [{ cost_per_1m_input_usd: '1e3' }, 'cost_per_1m_input_usd'],
    [{ cost_per_1m_input_usd: '0.12345678901' }, 'cost_per_1m_input_usd'],
    [{ cost_per_1m_input_usd: 0.1 + 0.2 }, 'cost_per_1m_input_usd'],
    [{ cost_per_1m_input_usd: 1e-7 }, 'cost_per_1m_input_usd'],
    [{ cost_per_1m_input_usd: null }, 'cost_per_1m_input_usd'],
    [{ cost_per_1m_output_usd: undefined }, 'cost_per_1m_output_usd'],
    [{ cost_per_1m_output_usd: '99999999999' }, 'cost_per_1m_output_usd'],
    [{ cost_per_1m_cached_input_usd: '-1' }, 'cost_per_1m_cached_input_usd'],
    [{ effective_from: 'yesterday' }, 'effective_from'],
    [{ effective_from: '2026-01-01T00:00:00' }, 'effective_from'],
    [{ effective_from: '2026-02-30' }, 'effective_from'],
    [{ supports_streaming: 'yes' }, 'supports_streaming'],
    [{ is_active: null }, 'is_active'],
    [{ price: '1' }, 'price'],
  ])('a bad body (%j) is a 400 naming %s, and writes nothing', async (overrides, field) => {
    const before = await api.dataSource.getRepository(LlmContextWindow).count();
    const response = await api.http.post('/api/v1/tiers').set(admin).send(newTier('bad_body', overrides));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
    expect(await api.dataSource.getRepository(LlmContextWindow).count()).toBe(before);
  });
});

describe('changing a tier', () => {
  test('a price change adds a version from now on and keeps the recorded costs', async () => {
    await api.http
      .post('/api/v1/tiers')
      .set(admin)
      .send(newTier('change_now', { effective_from: '2025-01-01T00:00:00Z' }));
    const recorded = await newGeneration(api.dataSource, {
      tier: 'change_now',
      model_used: 'glm-5',
      cost_usd: '0.000123000000',
    });

    const response = await api.http
      .patch('/api/v1/tiers/change_now')
      .set(admin)
      .send({ cost_per_1m_input_usd: '0.75' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      cost_per_1m_input_usd: '0.7500000000',
      cost_per_1m_output_usd: '2.0000000000',
    });

    const versions = await pricesOf('change_now');
    expect(versions.map((v) => [v.cost_per_1m_input_usd, v.cost_per_1m_output_usd, v.in_effect])).toEqual([
      ['0.5000000000', '2.0000000000', false],
      ['0.7500000000', '2.0000000000', true],
    ]);
    expect(versions[0]?.effective_to).toBe(versions[1]?.effective_from);
    const row = await api.dataSource.getRepository(LlmGenerationMetric).findOneByOrFail({ id: recorded.id });
    expect(row.cost_usd).toBe('0.000123000000');
  });

  test('a future effective_from schedules the price: the tier shows the current one until then', async () => {
    await api.http
      .post('/api/v1/tiers')
      .set(admin)
      .send(newTier('scheduled', { effective_from: '2025-01-01T00:00:00Z' }));
    const response = await api.http
      .patch('/api/v1/tiers/scheduled')
      .set(admin)
      .send({ model_name: 'glm-6', cost_per_1m_output_usd: '4', effective_from: '2099-01-01T00:00:00Z' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ model_name: 'glm-5', cost_per_1m_output_usd: '2.0000000000' });
    expect(
      (await pricesOf('scheduled')).map((v) => [v.model_name, v.cost_per_1m_output_usd, v.in_effect]),
    ).toEqual([
      ['glm-5', '2.0000000000', true],
      ['glm-6', '4.0000000000', false],
    ]);
  });

  test('settings change the row only; each change is audited with before and after', async () => {
    await api.http.post('/api/v1/tiers').set(admin).send(newTier('settings'));
    const response = await api.http
      .patch('/api/v1/tiers/settings')
      .set(admin)
      .set('X-Request-Id', 'patch-settings-1')
      .send({ max_tokens: 64000, supports_streaming: false });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ max_tokens: 64000, supports_streaming: false });
    expect(await pricesOf('settings')).toHaveLength(1);
    const [entry] = await api.dataSource
      .getRepository(LlmAuditLog)
      .findBy({ request_id: 'patch-settings-1' });
    expect(entry).toMatchObject({
      action: 'tier.update',
      before: { max_tokens: 200000, supports_streaming: true },
    });
    expect(entry?.after).toMatchObject({ max_tokens: 64000, supports_streaming: false, price_version: null });
  });

  test('two versions starting at the same instant are refused naming effective_from', async () => {
    await api.http
      .post('/api/v1/tiers')
      .set(admin)
      .send(newTier('same_start', { effective_from: '2025-01-01T00:00:00Z' }));
    const response = await api.http
      .patch('/api/v1/tiers/same_start')
      .set(admin)
      .send({ cost_per_1m_input_usd: '1', effective_from: '2025-01-01T00:00:00Z' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ fields: [{ field: 'effective_from' }] });
    expect(await pricesOf('same_start')).toHaveLength(1);
  });

  test.each([
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ model_name: null }, 'model_name'],
    [{ cost_per_1m_output_usd: '-2' }, 'cost_per_1m_output_usd'],
    [{ effective_from: '2099-01-01T00:00:00Z' }, 'effective_from'],
    [{ tier: 'renamed' }, 'tier'],
  ])('a bad change (%j) is a 400 naming %s', async (body, field) => {
    const response = await api.http.patch('/api/v1/tiers/local').set(admin).send(body);
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });

  test('an unknown tier is a 404', async () => {
    expect((await api.http.patch('/api/v1/tiers/nope').set(admin).send({ max_tokens: 5 })).status).toBe(404);
    expect((await api.http.delete('/api/v1/tiers/nope').set(admin)).status).toBe(404);
  });
});

describe('deleting a tier', () => {
  test('deactivates it, keeps its prices and recorded generations, audited once', async () => {
    await api.http.post('/api/v1/tiers').set(admin).send(newTier('retired'));
    const recorded = await newGeneration(api.dataSource, { tier: 'retired', model_used: 'glm-5' });

    const response = await api.http
      .delete('/api/v1/tiers/retired')
      .set(admin)
      .set('X-Request-Id', 'delete-tier-1');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tier: 'retired', is_active: false });
    expect((await api.http.delete('/api/v1/tiers/retired').set(admin)).body).toMatchObject({
      is_active: false,
    });

    expect(await pricesOf('retired')).toHaveLength(1);
    expect(
      await api.dataSource.getRepository(LlmGenerationMetric).findOneBy({ id: recorded.id }),
    ).not.toBeNull();
    const entries = await api.dataSource.getRepository(LlmAuditLog).findBy({ action: 'tier.deactivate' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      request_id: 'delete-tier-1',
      before: { is_active: true },
      after: { is_active: false },
    });
  });
});

describe('hostile input', () => {
  const bodies: [string, unknown][] = [
    ['an array', []],
    ['a string', 'tier'],
    ['nested junk', { tier: { $ne: null }, model_name: ['a'], max_tokens: { value: 1 } }],
    ['a huge number', { ...newTier('huge'), max_tokens: 1e308 }],
    ['NaN spelled out', { ...newTier('nan'), cost_per_1m_input_usd: 'NaN' }],
    ['an instant PostgreSQL cannot hold', { ...newTier('far'), effective_from: '+275760-09-13T00:00:00Z' }],
    ['an ancient price change', { cost_per_1m_input_usd: '1', effective_from: '0001-01-01T00:00:00Z' }],
    [
      'a price change beyond JavaScript dates',
      { cost_per_1m_input_usd: '1', effective_from: '+275761-01-01T00:00:00Z' },
    ],
    ['a prototype key', JSON.parse('{"__proto__": {"is_active": false}, "tier": "proto"}') as unknown],
  ];

  test.each(bodies)(
    '%s is a 4xx on every write route, never a 5xx, and writes nothing',
    async (_name, body) => {
      const tiers = await api.dataSource.getRepository(LlmContextWindow).count();
      const versions = await api.dataSource.getRepository(LlmPriceVersion).count();
      for (const call of [
        () => api.http.post('/api/v1/tiers'),
        () => api.http.patch('/api/v1/tiers/local'),
        () => api.http.post('/api/v1/reprice'),
      ]) {
        const response = await call()
          .set(admin)
          .send(body as object);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.body).toMatchObject({ status: response.status, code: expect.any(String) });
      }
      expect(await api.dataSource.getRepository(LlmContextWindow).count()).toBe(tiers);
      expect(await api.dataSource.getRepository(LlmPriceVersion).count()).toBe(versions);
    },
  );
});
