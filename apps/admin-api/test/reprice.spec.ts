import { describe, expect, test } from '@jest/globals';
import { LlmAuditLog, LlmGenerationMetric } from '@llm-metrics/db/entities';
import { newGeneration } from '@llm-metrics/db/testing';
import { TEST_ADMIN_KEY, useTestApp } from './harness';

const api = useTestApp();
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
const RANGE = { from: '2026-01-01', to: '2026-02-01T02:00:00+02:00' };

/** A tier priced at 1 USD per 1M tokens since 2025, with two generations of 1M input tokens in January. */
async function arrange(tier: string): Promise<string[]> {
  const created = await api.http.post('/api/v1/tiers').set(admin).send({
    tier,
    model_name: 'm1',
    max_tokens: 1000,
    cost_per_1m_input_usd: '1',
    cost_per_1m_output_usd: '1',
    effective_from: '2025-01-01T00:00:00Z',
  });
  expect(created.status).toBe(201);
  const prices = await api.http.get(`/api/v1/tiers/${tier}/prices`).set(admin);
  const [{ id: priceVersionId }] = (prices.body as { data: [{ id: string }] }).data;
  const rows = await Promise.all(
    ['2026-01-10T00:00:00Z', '2026-01-20T00:00:00Z'].map((at) =>
      newGeneration(api.dataSource, {
        tier,
        model_used: 'm1',
        tokens_input: 1_000_000,
        tokens_output: 0,
        tokens_total: 1_000_000,
        cost_usd: '1.000000000000',
        cost_status: 'computed',
        price_version_id: priceVersionId,
        created_at: new Date(at),
      }),
    ),
  );
  // From the 15th on, the price doubles; the row of the 20th was recorded at the old price.
  const patched = await api.http
    .patch(`/api/v1/tiers/${tier}`)
    .set(admin)
    .send({ cost_per_1m_input_usd: '2', effective_from: '2026-01-15T00:00:00Z' });
  expect(patched.status).toBe(200);
  return rows.map(({ id }) => id);
}

const costs = async (ids: string[]) =>
  (await api.dataSource.getRepository(LlmGenerationMetric).findBy(ids.map((id) => ({ id }))))
    .map((row) => row.cost_usd)
    .sort();

describe('POST /api/v1/reprice', () => {
  test('a dry run reports the difference and writes nothing; apply rewrites and is audited', async () => {
    const ids = await arrange('reprice_a');
    const dry = await api.http
      .post('/api/v1/reprice')
      .set(admin)
      .send({ tier: 'reprice_a', ...RANGE });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      tier: 'reprice_a',
      model: null,
      applied: false,
      rows_matched: 2,
      rows_changed: 1,
      old_total_usd: '2.000000000000',
      new_total_usd: '3.000000000000',
      difference_usd: '1.000000000000',
      transitions: { computed: { computed: 2, provided: 0, unpriced: 0 } },
    });
    expect(await costs(ids)).toEqual(['1.000000000000', '1.000000000000']);
    expect(await api.dataSource.getRepository(LlmAuditLog).countBy({ action: 'tier.reprice' })).toBe(0);

    const applied = await api.http
      .post('/api/v1/reprice')
      .set(admin)
      .set('X-Request-Id', 'reprice-apply-1')
      .send({ tier: 'reprice_a', model: 'm1', ...RANGE, apply: true, batch_size: 1 });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({
      applied: true,
      rows_changed: 1,
      difference_usd: '1.000000000000',
      batches: 2,
    });
    expect(await costs(ids)).toEqual(['1.000000000000', '2.000000000000']);
    const [entry] = await api.dataSource.getRepository(LlmAuditLog).findBy({ request_id: 'reprice-apply-1' });
    expect(entry).toMatchObject({
      action: 'tier.reprice',
      entity_type: 'tier',
      before: { total_usd: '2.000000000000' },
    });
    expect(entry?.after).toMatchObject({ new_total_usd: '3.000000000000' });

    const again = await api.http
      .post('/api/v1/reprice')
      .set(admin)
      .send({ tier: 'reprice_a', ...RANGE });
    expect(again.body).toMatchObject({ rows_changed: 0, difference_usd: '0.000000000000' });
  });

  test.each([
    [{ tier: 'local', from: RANGE.to, to: RANGE.from }, 'to'],
    [{ tier: 'local', from: 'not a date', to: RANGE.to }, 'from'],
    [{ tier: 'local', from: RANGE.from }, 'to'],
    [{ tier: 'local', from: '2026-01-01T00:00:00', to: RANGE.to }, 'from'],
    [{ tier: 'BAD', ...RANGE }, 'tier'],
    [{ ...RANGE }, 'tier'],
    [{ tier: 'local', ...RANGE, batch_size: 0 }, 'batch_size'],
    [{ tier: 'local', ...RANGE, batch_size: 10_001 }, 'batch_size'],
    [{ tier: 'local', ...RANGE, apply: 'yes' }, 'apply'],
    [{ tier: 'local', ...RANGE, model: '' }, 'model'],
    [{ tier: 'local', ...RANGE, dry_run: true }, 'dry_run'],
  ])('a bad request (%j) is a 400 naming %s', async (body, field) => {
    const response = await api.http.post('/api/v1/reprice').set(admin).send(body);
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });

  test('an unknown tier is a 404; a viewer may not reprice', async () => {
    expect(
      (
        await api.http
          .post('/api/v1/reprice')
          .set(admin)
          .send({ tier: 'nope', ...RANGE })
      ).status,
    ).toBe(404);
    const viewer = { 'X-API-Key': await api.keyFor('viewer') };
    expect(
      (
        await api.http
          .post('/api/v1/reprice')
          .set(viewer)
          .send({ tier: 'local', ...RANGE })
      ).status,
    ).toBe(403);
  });
});
