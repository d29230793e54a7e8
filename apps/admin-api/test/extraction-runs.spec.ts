import { beforeAll, describe, expect, test } from '@jest/globals';
import { useTestApp } from './harness';

const api = useTestApp();
let viewer: Record<string, string>;

interface RunBody {
  id: string;
  status: string;
  mode: string;
  rows_read: number;
  maintenance: unknown[];
}
interface Page {
  data: RunBody[];
  next_cursor: string | null;
}

/** Five runs an hour apart (the newest first in `ids`); two failed, one still running. */
let ids: string[] = [];

beforeAll(async () => {
  viewer = { Authorization: `Bearer ${await api.keyFor('viewer')}` };
  const rows = await api.dataSource.query<{ id: string }[]>(
    `INSERT INTO llm_extraction_runs (status, mode, started_at, finished_at, heartbeat_at, rows_read,
       patterns_created, maintenance, error)
     SELECT s.status, s.mode, s.started, CASE WHEN s.status = 'running' THEN NULL ELSE s.started + interval '5 minutes' END,
            s.started, s.n * 1000, s.n, '[{"name":"metrics_rollup","ok":true,"ms":12,"detail":"3 rows"}]'::jsonb,
            CASE WHEN s.status = 'failed' THEN 'boom' END
     FROM (VALUES (1, 'succeeded', 'full'), (2, 'failed', 'incremental'), (3, 'succeeded', 'incremental'),
                  (4, 'failed', 'incremental'), (5, 'running', 'incremental'))
          AS v(n, status, mode)
     CROSS JOIN LATERAL (SELECT v.n, v.status, v.mode,
                                timestamptz '2026-11-01 02:00:00+00' + v.n * interval '1 hour' AS started) s
     RETURNING id, started_at`,
  );
  ids = rows.map(({ id }) => id).reverse();
});

describe('GET /api/v1/extraction-runs', () => {
  test('lists runs newest first, page by page, without losing or repeating one', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { limit: 2, ...(cursor === null ? {} : { cursor }) };
      const response = await api.http.get('/api/v1/extraction-runs').set(viewer).query(query);
      expect(response.status).toBe(200);
      const page = response.body as Page;
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map(({ id }) => id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(ids);
  });

  test('filters by status and mode; counts and steps come as recorded', async () => {
    const failed = await api.http.get('/api/v1/extraction-runs').set(viewer).query({ status: 'failed' });
    expect((failed.body as Page).data.map(({ id }) => id)).toEqual([ids[1], ids[3]]);
    const full = await api.http.get('/api/v1/extraction-runs').set(viewer).query({ mode: 'full' });
    expect((full.body as Page).data).toEqual([
      expect.objectContaining({
        id: ids[4],
        status: 'succeeded',
        rows_read: 1000,
        maintenance: [{ name: 'metrics_rollup', ok: true, ms: 12, detail: '3 rows' }],
      }),
    ]);
  });

  test.each([
    [{ status: 'done' }, 'status'],
    [{ mode: 'nightly' }, 'mode'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 201 }, 'limit'],
    [{ cursor: 'not a cursor' }, 'cursor'],
    [{ cursor: Buffer.from('{"at":"x","id":"y"}').toString('base64url') }, 'cursor'],
    [{ since: 'yesterday' }, 'since'],
  ])('%j is a 400 naming %s', async (query, field) => {
    const response = await api.http.get('/api/v1/extraction-runs').set(viewer).query(query);
    expect(response.status).toBe(400);
    expect((response.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });
});

describe('GET /api/v1/extraction-runs/:id', () => {
  test('one run; an unknown id is a 404 and a malformed one a 400', async () => {
    const run = await api.http.get(`/api/v1/extraction-runs/${ids[1]}`).set(viewer);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ id: ids[1], status: 'failed', error: 'boom', mode: 'incremental' });
    expect(
      (await api.http.get('/api/v1/extraction-runs/00000000-0000-4000-8000-000000000000').set(viewer)).status,
    ).toBe(404);
    expect((await api.http.get('/api/v1/extraction-runs/42').set(viewer)).status).toBe(400);
  });
});
