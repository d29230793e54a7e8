import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { type CollectorOptions, LLMMetricsCollector } from '../src/collector';
import type { GenerationInput } from '../src/generation';
import { addPriceVersion } from '../src/price-versions';
import { FIXED_NOW, TEST_ENV, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

const generation = (overrides: Partial<GenerationInput> = {}): GenerationInput => ({
  node_type: 'effect',
  service_name: 'PostgresService',
  method_name: 'create_connection',
  tier: 'cloud_fast',
  model_used: 'glm-4.5',
  tokens_input: 1500,
  tokens_output: 800,
  latency_ms: 245.5,
  created_at: FIXED_NOW,
  ...overrides,
});

/** Collectors made here are closed after each test file, whatever the test did. */
const open: LLMMetricsCollector[] = [];
async function collector(options: CollectorOptions = {}): Promise<LLMMetricsCollector> {
  const made = await LLMMetricsCollector.create(db.dataSource, { flushIntervalMs: 3_600_000, ...options });
  open.push(made);
  return made;
}
afterAll(async () => {
  await Promise.all(open.map((made) => made.close()));
});

const countRows = async (where = 'true', parameters: unknown[] = []) =>
  Number(
    (
      await db.dataSource.query<[{ count: string }]>(
        `SELECT count(*) FROM llm_generation_metrics WHERE ${where}`,
        parameters,
      )
    )[0].count,
  );

/** Polls until `condition` holds; the test's timeout is the failure. */
async function eventually(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(10);
}

/** Another session, for locks and outages the collector must live through. */
async function adminSession(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

describe('record() derives what the caller leaves out', () => {
  test('ids, totals, truncation, lengths, cost, and the history row', async () => {
    const metrics = await collector();
    const accepted = await metrics.record(
      generation({
        finish_reason: 'length',
        prompt_text: 'Implement create_connection.',
        generated_code: 'def create_connection():\n    pass\n',
        quality_score: 0.9,
        validation_passed: true,
      }),
    );
    await metrics.flush();

    const [row] = await db.dataSource.query<Record<string, unknown>[]>(
      `SELECT m.*, m.cost_usd::text AS cost, v.tier AS priced_by
       FROM llm_generation_metrics m JOIN llm_price_versions v ON v.id = m.price_version_id WHERE m.id = $1`,
      [accepted.id],
    );
    expect(row).toMatchObject({
      correlation_id: accepted.correlation_id,
      tokens_total: 2300,
      truncated: true,
      finish_reason: 'length',
      prompt_length: 28,
      response_length: 34,
      cost: '0.000460000000',
      cost_status: 'computed',
      priced_by: 'cloud_fast',
      operation_type: 'method_implementation',
      security_issues: [],
      created_at: FIXED_NOW,
    });
    expect(
      await db.dataSource.query(
        `SELECT node_type, method_name, quality_score, validation_passed, prompt_text
         FROM llm_generation_history WHERE correlation_id = $1`,
        [accepted.correlation_id],
      ),
    ).toEqual([
      {
        node_type: 'effect',
        method_name: 'create_connection',
        quality_score: 0.9,
        validation_passed: true,
        prompt_text: 'Implement create_connection.',
      },
    ]);
  });

  test('text survives the write byte for byte: tabs, newlines, backslashes, quotes, \\N, unicode', async () => {
    const awkward = 'a\tb\nc\r\nd\\e \\N "q" \'s\' \u00e9\u4e2d\ud83d\ude80 \\\\t';
    const metrics = await collector();
    const accepted = await metrics.record(
      generation({
        method_name: awkward.slice(0, 200),
        security_issues: [{ type: 'sql_injection', snippet: awkward }],
        prompt_text: awkward,
        generated_code: `${awkward}\n`.repeat(3),
        quality_score: 0.5,
        validation_passed: false,
        user_feedback: awkward,
      }),
    );
    await metrics.flush();
    const [stored] = await db.dataSource.query<Record<string, unknown>[]>(
      `SELECT m.method_name, m.security_issues, h.prompt_text, h.generated_code, h.user_feedback
       FROM llm_generation_metrics m JOIN llm_generation_history h USING (correlation_id) WHERE m.id = $1`,
      [accepted.id],
    );
    expect(stored).toEqual({
      method_name: awkward.slice(0, 200),
      security_issues: [{ type: 'sql_injection', snippet: awkward }],
      prompt_text: awkward,
      generated_code: `${awkward}\n`.repeat(3),
      user_feedback: awkward,
    });
  });

  test('a row whose id is already stored is not written again (a caller retrying record())', async () => {
    const metrics = await collector({ batchSize: 3 });
    const first = await metrics.record(generation({ method_name: 'idempotent' }));
    await metrics.flush();
    for (let i = 0; i < 3; i += 1) {
      await metrics.record(generation({ method_name: 'idempotent', id: i === 1 ? first.id : undefined }));
    }
    await metrics.flush();
    expect(await countRows(`method_name = 'idempotent'`)).toBe(3);
    expect(metrics.stats()).toMatchObject({ recorded: 4, written: 4, failed: 0, buffered: 0 });
  });

  test('an unknown model is recorded unpriced, a provided cost as provided', async () => {
    const metrics = await collector();
    const unknown = await metrics.record(generation({ tier: 'cloud_fast', model_used: 'not-priced' }));
    const provided = await metrics.record(generation({ cost_usd: '0.123' }));
    await metrics.flush();
    const rows = await db.dataSource.query<{ id: string; cost_status: string; cost_usd: string | null }[]>(
      `SELECT id, cost_status, cost_usd::text FROM llm_generation_metrics WHERE id = ANY($1)`,
      [[unknown.id, provided.id]],
    );
    expect(Object.fromEntries(rows.map(({ id, ...rest }) => [id, rest]))).toEqual({
      [unknown.id]: { cost_status: 'unpriced', cost_usd: null },
      [provided.id]: { cost_status: 'provided', cost_usd: '0.123000000000' },
    });
  });
});

describe('record() rejects bad input, naming the field, and buffers nothing', () => {
  test.each<[string, Partial<GenerationInput> | Record<string, unknown>]>([
    ['tokens_input', { tokens_input: -1 }],
    ['tokens_output', { tokens_output: 1.5 }],
    ['tokens_total', { tokens_total: 2 ** 31 }],
    ['tokens_cached_input', { tokens_input: 10, tokens_cached_input: 11 }],
    ['tokens_reasoning', { tokens_output: 10, tokens_reasoning: 11 }],
    ['latency_ms', { latency_ms: Number.POSITIVE_INFINITY }],
    ['latency_ms', { latency_ms: -1 }],
    ['finish_reason', { finish_reason: 'done' }],
    ['tier', { tier: 'x'.repeat(51) }],
    ['node_type', { node_type: '' }],
    ['correlation_id', { correlation_id: 'not-a-uuid' }],
    ['cost_usd', { cost_usd: 0.5 }],
    ['cost_usd', { cost_usd: '-1' }],
    ['security_issues', { security_issues: 'none' }],
    ['created_at', { created_at: new Date('nope') }],
    ['quality_score', { prompt_text: 'p', validation_passed: true }],
    ['validation_passed', { generated_code: 'c', quality_score: 0.5 }],
    ['prompt_text', { prompt_text: 'nul\u0000byte', quality_score: 0.5, validation_passed: true }],
    ['service_name', { service_name: '\u0000' }],
    ['security_issues', { security_issues: ['nul\u0000byte'] }],
  ])('%s', async (field, overrides) => {
    const metrics = await collector();
    await expect(metrics.record(generation(overrides as Partial<GenerationInput>))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field,
      message: expect.stringContaining(field),
    });
    expect(metrics.stats()).toMatchObject({ recorded: 0, rejected: 1, buffered: 0 });
  });
});

describe('batching', () => {
  test.each([
    [9, 0, 9],
    [10, 10, 0],
    [11, 10, 1],
  ])(
    'batch size 10, %i rows: %i written at once, %i waiting for the interval',
    async (rows, written, waiting) => {
      const metrics = await collector({ batchSize: 10 });
      const method_name = `batch_${rows}`;
      for (let i = 0; i < rows; i += 1) await metrics.record(generation({ method_name }));
      await eventually(() => metrics.stats().written === written);
      // Give a premature partial write every chance to happen before counting.
      await sleep(100);
      expect(await countRows('method_name = $1', [method_name])).toBe(written);
      expect(metrics.stats()).toMatchObject({ recorded: rows, written, buffered: waiting });

      await metrics.flush();
      expect(await countRows('method_name = $1', [method_name])).toBe(rows);
    },
  );

  test('a partial batch is written when the interval elapses, without flush()', async () => {
    const metrics = await collector({ batchSize: 100, flushIntervalMs: 20 });
    for (let i = 0; i < 3; i += 1) await metrics.record(generation({ method_name: 'by_interval' }));
    await eventually(async () => (await countRows(`method_name = 'by_interval'`)) === 3);
    expect(metrics.stats()).toMatchObject({ written: 3, buffered: 0 });
  });

  test('close() writes everything, then refuses new rows', async () => {
    const metrics = await collector({ batchSize: 100 });
    for (let i = 0; i < 42; i += 1) await metrics.record(generation({ method_name: 'on_close' }));
    await metrics.close();
    expect(await countRows(`method_name = 'on_close'`)).toBe(42);
    await expect(metrics.record(generation())).rejects.toMatchObject({ code: 'COLLECTOR_CLOSED' });
  });
});

describe('a full buffer', () => {
  let blocker: Client;
  beforeAll(async () => (blocker = await adminSession(db.url)));
  afterAll(() => blocker.end());

  /** Holds a lock that makes every insert wait until the returned function is called. */
  async function blockInserts(): Promise<() => Promise<void>> {
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE llm_generation_metrics IN ACCESS EXCLUSIVE MODE');
    return async () => void (await blocker.query('COMMIT'));
  }

  test('makes record() wait (backpressure) until rows are written', async () => {
    const metrics = await collector({ batchSize: 5, maxBuffered: 5 });
    const unblock = await blockInserts();
    for (let i = 0; i < 5; i += 1) await metrics.record(generation({ method_name: 'backpressure' }));
    let sixthAccepted = false;
    const sixth = metrics
      .record(generation({ method_name: 'backpressure' }))
      .then(() => (sixthAccepted = true));
    await sleep(100);
    expect(sixthAccepted).toBe(false);
    expect(metrics.stats().buffered).toBe(5);

    await unblock();
    await sixth;
    await metrics.flush();
    expect(await countRows(`method_name = 'backpressure'`)).toBe(6);
  });

  test('makes record() reject when configured to, counting the rejection', async () => {
    const metrics = await collector({ batchSize: 5, maxBuffered: 5, whenFull: 'reject' });
    const unblock = await blockInserts();
    for (let i = 0; i < 5; i += 1) await metrics.record(generation({ method_name: 'rejecting' }));
    await expect(metrics.record(generation({ method_name: 'rejecting' }))).rejects.toMatchObject({
      code: 'COLLECTOR_FULL',
    });
    expect(metrics.stats()).toMatchObject({ recorded: 5, rejected: 1 });
    await unblock();
    await metrics.flush();
    expect(await countRows(`method_name = 'rejecting'`)).toBe(5);
  });

  test('flush() waits for every batch in flight, on every writer', async () => {
    const metrics = await collector({ batchSize: 5, writers: 2 });
    const unblock = await blockInserts();
    for (let i = 0; i < 12; i += 1) await metrics.record(generation({ method_name: 'in_flight' }));
    let flushed = false;
    const flushing = metrics.flush().then(() => (flushed = true));
    await sleep(100);
    expect(flushed).toBe(false);
    await unblock();
    await flushing;
    expect(await countRows(`method_name = 'in_flight'`)).toBe(12);
    expect(metrics.stats()).toMatchObject({ written: 12, buffered: 0 });
  });

  test('prices come from memory: recording never reads the price table', async () => {
    const metrics = await collector();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE llm_price_versions IN ACCESS EXCLUSIVE MODE');
    try {
      await metrics.record(generation({ method_name: 'priced_in_memory' }));
      await metrics.flush();
    } finally {
      await blocker.query('COMMIT');
    }
    expect(await countRows(`method_name = 'priced_in_memory' AND cost_status = 'computed'`)).toBe(1);
  });
});

describe('prices', () => {
  test('a new price applies to rows recorded after refreshPrices(); rows written before keep theirs', async () => {
    const metrics = await collector();
    const before = await metrics.record(generation({ tier: 'local', model_used: 'ollama/codellama:7b' }));
    await metrics.flush();
    await addPriceVersion(db.dataSource, {
      tier: 'local',
      model_name: 'ollama/codellama:7b',
      cost_per_1m_input_usd: '1',
      cost_per_1m_output_usd: '1',
      effective_from: new Date(FIXED_NOW.getTime() - 1),
    });
    await metrics.refreshPrices();
    const after = await metrics.record(generation({ tier: 'local', model_used: 'ollama/codellama:7b' }));
    await metrics.flush();
    const costs = await db.dataSource.query<{ id: string; cost: string }[]>(
      `SELECT id, cost_usd::text AS cost FROM llm_generation_metrics WHERE id = ANY($1)`,
      [[before.id, after.id]],
    );
    expect(Object.fromEntries(costs.map(({ id, cost }) => [id, cost]))).toEqual({
      [before.id]: '0.000000000000',
      [after.id]: '0.002300000000',
    });
  });
});

describe('failures', () => {
  test('a row the database refuses is isolated and reported; the rest of its batch is written', async () => {
    await db.dataSource.query(
      `ALTER TABLE llm_generation_metrics ADD CONSTRAINT test_poison CHECK (method_name <> 'poison')`,
    );
    try {
      const refused: unknown[] = [];
      const metrics = await collector({
        batchSize: 8,
        onError: (_error, { rows }) => refused.push(...(rows ?? []).map((row) => row.metrics.method_name)),
      });
      for (let i = 0; i < 8; i += 1) {
        await metrics.record(generation({ method_name: i === 5 ? 'poison' : 'healthy' }));
      }
      await metrics.flush();
      expect(await countRows(`method_name = 'healthy'`)).toBe(7);
      expect(refused).toEqual(['poison']);
      expect(metrics.stats()).toMatchObject({ recorded: 8, written: 7, failed: 1, buffered: 0 });
    } finally {
      await db.dataSource.query(`ALTER TABLE llm_generation_metrics DROP CONSTRAINT test_poison`);
    }
  });

  test('a database outage while ingesting 100k rows: none lost, none duplicated', async () => {
    const serverUrl = process.env[TEST_ENV.serverUrl]!;
    const database = new URL(db.url).pathname.slice(1);
    const admin = await adminSession(serverUrl);
    const metrics = await collector({ batchSize: 1_000, retryDelayMs: { initial: 20, max: 200 } });
    const total = 100_000;
    let recorded = 0;

    const outages = (async () => {
      for (let outage = 0; outage < 3; outage += 1) {
        await eventually(() => recorded >= (outage + 1) * 20_000);
        // Refuse new connections and cut the open ones, mid-batch, then come back.
        await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [database],
        );
        await sleep(300);
        await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
      }
    })();
    try {
      for (; recorded < total; recorded += 1) {
        await metrics.record(generation({ method_name: 'outage', tokens_input: recorded }));
      }
      await outages;
      await metrics.flush();
    } finally {
      await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }

    const [counts] = await db.dataSource.query<
      [{ rows: string; distinct_ids: string; distinct_tokens: string }]
    >(
      `SELECT count(*) AS rows, count(DISTINCT id) AS distinct_ids, count(DISTINCT tokens_input) AS distinct_tokens
       FROM llm_generation_metrics WHERE method_name = 'outage'`,
    );
    expect(counts).toEqual({ rows: '100000', distinct_ids: '100000', distinct_tokens: '100000' });
    expect(metrics.stats()).toMatchObject({ recorded: total, written: total, failed: 0, buffered: 0 });
    expect(metrics.stats().retried).toBeGreaterThan(0);
  }, 120_000);
});
