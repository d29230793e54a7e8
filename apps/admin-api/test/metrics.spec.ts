import { describe, expect, test } from '@jest/globals';
import { newGeneration } from '@llm-metrics/db/testing';
import { TEST_ADMIN_KEY, useTestApp } from './harness';

const api = useTestApp();

async function scrape(): Promise<string> {
  const response = await api.http
    .get('/metrics')
    .set('Authorization', `Bearer ${await api.keyFor('viewer')}`);
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text;
}

/** The value of one sample, found by its name and exact label set. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  test('needs a viewer (or admin) key as a bearer token; ingest keys are refused', async () => {
    expect((await api.http.get('/metrics')).status).toBe(401);
    const ingest = await api.http
      .get('/metrics')
      .set('Authorization', `Bearer ${await api.keyFor('ingest')}`);
    expect(ingest.status).toBe(403);
    expect((await api.http.get('/metrics').set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)).status).toBe(
      200,
    );
  });

  test('counts requests by route pattern, never by raw URL, with their latency', async () => {
    const viewer = { Authorization: `Bearer ${await api.keyFor('viewer')}` };
    await api.http.get('/api/v1/tiers/no-such-tier').set(viewer);
    await api.http.get('/api/v1/tiers/another-missing-tier').set(viewer);
    await api.http.get('/api/v1/tiers/local').set(viewer);
    await api.http.get('/api/v1/tiers/local');
    await api.http.get('/some/random/path');

    const text = await scrape();
    const labels = (status: number) =>
      `{http_request_method="GET",http_route="/api/v1/tiers/:tier",http_response_status_code="${status}"}`;
    expect(sample(text, `http_server_requests_total${labels(404)}`)).toBe(2);
    expect(sample(text, `http_server_requests_total${labels(200)}`)).toBe(1);
    expect(sample(text, `http_server_requests_total${labels(401)}`)).toBe(1);
    expect(sample(text, `http_server_request_duration_seconds_count${labels(404)}`)).toBe(2);
    expect(text).toContain('http_route="unmatched"');
    expect(text).not.toContain('no-such-tier');
    expect(text).not.toContain('/some/random/path');
  });

  test('reports generations, tokens and cost by tier and model, and the rollup lag', async () => {
    const before = await scrape();
    expect(sample(before, 'llm_metrics_database_up')).toBe(1);
    expect(before).not.toContain('llm_metrics_generations_total{');

    for (const cost_usd of ['0.000100000000', '0.000250000000']) {
      await newGeneration(api.dataSource, { cost_usd, cost_status: 'provided', created_at: new Date() });
    }
    await newGeneration(api.dataSource, {
      tier: 'cloud_premium',
      model_used: 'unknown-model',
      cost_usd: null,
      cost_status: 'unpriced',
      created_at: new Date('2026-01-02T03:04:05Z'),
    });

    const text = await scrape();
    const fast = '{tier="cloud_fast",gen_ai_request_model="glm-4.5"}';
    const unknown = '{tier="cloud_premium",gen_ai_request_model="unknown-model"}';
    expect(sample(text, `llm_metrics_generations_total${fast}`)).toBe(2);
    expect(sample(text, `llm_metrics_cost_usd_total${fast}`)).toBeCloseTo(0.00035, 12);
    expect(sample(text, `llm_metrics_unpriced_generations_total${unknown}`)).toBe(1);
    expect(sample(text, `llm_metrics_cost_usd_total${unknown}`)).toBe(0);
    expect(
      sample(
        text,
        'gen_ai_client_token_usage_total{tier="cloud_fast",gen_ai_request_model="glm-4.5",gen_ai_token_type="input"}',
      ),
    ).toBe(3000);
    expect(
      sample(
        text,
        'gen_ai_client_token_usage_total{tier="cloud_fast",gen_ai_request_model="glm-4.5",gen_ai_token_type="output"}',
      ),
    ).toBe(1600);
    expect(sample(text, 'llm_metrics_rollup_pending_rows')).toBe(3);
    expect(sample(text, 'llm_metrics_rollup_watermark_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^# TYPE llm_metrics_cost_usd_total counter$/m);
    expect(text).toContain('process_cpu_seconds_total');
  });

  test('shows the last extraction run once the extractor has run', async () => {
    expect(await scrape()).not.toContain('llm_metrics_extraction_last_run_info{');
    await api.dataSource.query(
      `INSERT INTO llm_extraction_runs (status, mode, started_at, finished_at, heartbeat_at) VALUES
         ('failed', 'incremental', '2026-01-01T00:00:00Z', '2026-01-01T00:10:00Z', '2026-01-01T00:10:00Z'),
         ('succeeded', 'incremental', '2026-01-02T00:00:00Z', '2026-01-02T00:05:00Z', '2026-01-02T00:05:00Z')`,
    );
    const text = await scrape();
    expect(sample(text, 'llm_metrics_extraction_last_run_info{status="succeeded"}')).toBe(1);
    expect(text).not.toContain('status="failed"');
    expect(sample(text, 'llm_metrics_extraction_last_run_finished_timestamp_seconds')).toBe(
      Date.parse('2026-01-02T00:05:00Z') / 1000,
    );
  });
});
