import { beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DeepPartial } from 'typeorm';
import type { LlmGenerationMetric } from '../src/entities';
import { addPriceVersion, type NewPriceVersion } from '../src/price-versions';
import { loadPriceBook } from '../src/pricing';
import { type RepriceOptions, repriceGenerations } from '../src/reprice';
import { FIXED_NOW, newContextWindow, newGeneration, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

const FROM = new Date('2026-01-01T00:00:00.000Z');
const FEBRUARY = new Date('2026-02-10T08:00:00.000Z');
const MARCH = new Date('2026-03-01T00:00:00.000Z');
const APRIL = new Date('2026-04-10T08:00:00.000Z');
const TO = new Date('2026-07-01T00:00:00.000Z');
const LONG_AGO = new Date('2025-01-01T00:00:00.000Z');
const MODEL = 'model-a';

/** A tier of this test alone, so that the tests of this file never see each other's rows. */
async function newTier(): Promise<string> {
  return (await newContextWindow(db.dataSource, { model_name: MODEL })).tier;
}

function addPrice(tier: string, price: Partial<NewPriceVersion> & { effective_from: Date }) {
  return addPriceVersion(
    db.dataSource,
    { tier, model_name: MODEL, cost_per_1m_input_usd: '0.30', cost_per_1m_output_usd: '0.30', ...price },
    FIXED_NOW,
  );
}

/** Records a generation the way writers do: priced by the price book as it stands now. */
async function recorded(tier: string, created_at: Date) {
  const generation = { tier, model_used: MODEL, created_at, tokens_input: 1500, tokens_output: 800 };
  const book = await loadPriceBook(db.dataSource);
  return newGeneration(db.dataSource, { ...generation, ...book.price(generation) });
}

function unpriced(tier: string, created_at: Date, overrides: DeepPartial<LlmGenerationMetric> = {}) {
  return newGeneration(db.dataSource, {
    tier,
    model_used: MODEL,
    created_at,
    cost_usd: null,
    cost_status: 'unpriced',
    price_version_id: null,
    ...overrides,
  });
}

const reprice = (tier: string, options: Partial<RepriceOptions> = {}) =>
  repriceGenerations(db.dataSource, { tier, from: FROM, to: TO, apply: false, ...options });

async function costs(tier: string) {
  return db.dataSource.query<
    { created_at: string; cost_usd: string | null; status: string; version: string | null }[]
  >(
    `SELECT to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS created_at,
            m.cost_usd::text AS cost_usd, m.cost_status AS status, v.cost_per_1m_input_usd::text AS version
     FROM llm_generation_metrics m LEFT JOIN llm_price_versions v ON v.id = m.price_version_id
     WHERE m.tier = $1 ORDER BY m.created_at, m.cost_status`,
    [tier],
  );
}

/** Every column of every metrics row, and the row versions: an UPDATE to the same values shows too. */
function everyRow() {
  return db.dataSource.query<unknown[]>(
    `SELECT m.xmin::text AS row_version, to_jsonb(m) AS row FROM llm_generation_metrics m ORDER BY m.id`,
  );
}

const transitions = (counts: { [from: string]: { [to: string]: number } }) => {
  const zero = { computed: 0, provided: 0, unpriced: 0 };
  return {
    computed: { ...zero, ...counts.computed },
    provided: { ...zero, ...counts.provided },
    unpriced: { ...zero, ...counts.unpriced },
  };
};

/** A tier priced at 0.30/0.30 from long ago and 0.60/2.20 from March, with rows on both sides of it. */
async function priceChangeInTheMiddle(): Promise<string> {
  const tier = await newTier();
  await addPrice(tier, { effective_from: LONG_AGO });
  for (const at of [FROM, new Date(MARCH.getTime() - 1), MARCH, APRIL, TO]) await recorded(tier, at);
  await addPrice(tier, {
    cost_per_1m_input_usd: '0.60',
    cost_per_1m_output_usd: '2.20',
    effective_from: MARCH,
  });
  return tier;
}

describe('repriceGenerations', () => {
  test('a price change in the middle of the range prices the rows on each side by their own version', async () => {
    const tier = await priceChangeInTheMiddle();

    const report = await reprice(tier, { apply: true });

    expect(await costs(tier)).toEqual([
      {
        created_at: '2026-01-01 00:00:00.000',
        cost_usd: '0.000690000000',
        status: 'computed',
        version: '0.3000000000',
      },
      {
        created_at: '2026-02-28 23:59:59.999',
        cost_usd: '0.000690000000',
        status: 'computed',
        version: '0.3000000000',
      },
      {
        created_at: '2026-03-01 00:00:00.000',
        cost_usd: '0.002660000000',
        status: 'computed',
        version: '0.6000000000',
      },
      {
        created_at: '2026-04-10 08:00:00.000',
        cost_usd: '0.002660000000',
        status: 'computed',
        version: '0.6000000000',
      },
      // `to` is exclusive: this row keeps its stale cost.
      {
        created_at: '2026-07-01 00:00:00.000',
        cost_usd: '0.000690000000',
        status: 'computed',
        version: '0.3000000000',
      },
    ]);
    expect(report).toEqual({
      tier,
      model: null,
      from: FROM,
      to: TO,
      applied: true,
      rowsMatched: 4,
      rowsChanged: 2,
      transitions: transitions({ computed: { computed: 4 } }),
      rowsLeftUnpriced: 0,
      oldTotalUsd: '0.002760000000',
      newTotalUsd: '0.006700000000',
      differenceUsd: '0.003940000000',
      batches: 1,
    });
  });

  test("provided rows keep the caller's cost and are counted", async () => {
    const tier = await newTier();
    await addPrice(tier, { effective_from: LONG_AGO });
    const provided = await newGeneration(db.dataSource, {
      tier,
      model_used: MODEL,
      created_at: FEBRUARY,
      cost_usd: '0.123',
      cost_status: 'provided',
    });
    await recorded(tier, APRIL);
    await addPrice(tier, { cost_per_1m_input_usd: '3', cost_per_1m_output_usd: '3', effective_from: MARCH });
    const before = await everyRow();

    const report = await reprice(tier, { apply: true });

    expect(report).toMatchObject({
      rowsMatched: 2,
      rowsChanged: 1,
      transitions: transitions({ provided: { provided: 1 }, computed: { computed: 1 } }),
      oldTotalUsd: '0.123690000000',
      newTotalUsd: '0.129900000000',
      differenceUsd: '0.006210000000',
    });
    const after = await everyRow();
    const rowOf = (rows: unknown[]) => rows.find((row) => JSON.stringify(row).includes(provided.id));
    expect(rowOf(after)).toEqual(rowOf(before));
  });

  test('unpriced rows stay unpriced until a price version exists for them, then become computed', async () => {
    const tier = await newTier();
    const withCache = {
      tokens_input: 1000,
      tokens_cached_input: 400,
      tokens_output: 200,
      tokens_reasoning: 50,
      tokens_total: 1200,
    };
    await unpriced(tier, FEBRUARY, withCache);
    await unpriced(tier, APRIL, { tokens_input: 1, tokens_output: 0, tokens_total: 1 });

    expect(await reprice(tier, { apply: true })).toMatchObject({
      rowsMatched: 2,
      rowsChanged: 0,
      transitions: transitions({ unpriced: { unpriced: 2 } }),
      rowsLeftUnpriced: 2,
      oldTotalUsd: '0.000000000000',
      newTotalUsd: '0.000000000000',
    });

    await addPrice(tier, {
      cost_per_1m_input_usd: '3',
      cost_per_1m_output_usd: '15',
      cost_per_1m_cached_input_usd: '0.3',
      effective_from: LONG_AGO,
    });
    expect(await reprice(tier, { apply: true })).toMatchObject({
      rowsChanged: 2,
      transitions: transitions({ unpriced: { computed: 2 } }),
      rowsLeftUnpriced: 0,
      newTotalUsd: '0.004923000000',
      differenceUsd: '0.004923000000',
    });
    // 600 × 3 + 400 × 0.3 + 200 × 15 per 1M tokens; one input token at 3 per 1M does not round to 0.
    expect((await costs(tier)).map(({ cost_usd, status }) => [cost_usd, status])).toEqual([
      ['0.004920000000', 'computed'],
      ['0.000003000000', 'computed'],
    ]);
  });

  test('model narrows the rows to that model_used', async () => {
    const tier = await newTier();
    await unpriced(tier, FEBRUARY);
    await unpriced(tier, FEBRUARY, { model_used: 'model-b' });
    await addPrice(tier, { effective_from: LONG_AGO });
    await addPrice(tier, { model_name: 'model-b', effective_from: LONG_AGO });

    expect(await reprice(tier, { model: MODEL, apply: true })).toMatchObject({
      model: MODEL,
      rowsChanged: 1,
    });
    expect((await costs(tier)).map(({ status }) => status).sort()).toEqual(['computed', 'unpriced']);
  });

  test('a dry run changes nothing, not even a row version', async () => {
    const tier = await priceChangeInTheMiddle();
    await unpriced(tier, APRIL);
    const rowsBefore = await everyRow();
    const prices = () => db.dataSource.query<unknown[]>(`SELECT * FROM llm_price_versions ORDER BY id`);
    const pricesBefore = await prices();

    const report = await reprice(tier);

    expect(report).toMatchObject({ applied: false, rowsMatched: 5, rowsChanged: 3 });
    expect(await everyRow()).toEqual(rowsBefore);
    expect(await prices()).toEqual(pricesBefore);
  });

  test('apply gives exactly the totals the dry run announced, and the database agrees', async () => {
    const tier = await priceChangeInTheMiddle();
    await unpriced(tier, APRIL);
    await unpriced(tier, FEBRUARY, { model_used: 'model-without-price' });

    const announced = await reprice(tier, { batchSize: 2 });
    const applied = await reprice(tier, { batchSize: 2, apply: true });

    expect(applied).toEqual({ ...announced, applied: true });
    expect(announced).toMatchObject({
      rowsMatched: 6,
      rowsChanged: 3,
      transitions: transitions({ computed: { computed: 4 }, unpriced: { computed: 1, unpriced: 1 } }),
      rowsLeftUnpriced: 1,
      batches: 3,
    });
    const [stored] = await db.dataSource.query<{ total: string }[]>(
      `SELECT sum(cost_usd)::text AS total FROM llm_generation_metrics
       WHERE tier = $1 AND created_at >= $2 AND created_at < $3`,
      [tier, FROM, TO],
    );
    expect(stored?.total).toBe(announced.newTotalUsd);
    expect(await reprice(tier)).toMatchObject({
      rowsChanged: 0,
      oldTotalUsd: announced.newTotalUsd,
      newTotalUsd: announced.newTotalUsd,
      differenceUsd: '0.000000000000',
    });
  });

  const BATCH = 4;
  test.each([
    { rows: 0, batches: 0 },
    { rows: BATCH - 1, batches: 1 },
    { rows: BATCH, batches: 1 },
    { rows: BATCH + 1, batches: 2 },
    { rows: 3 * BATCH + 1, batches: 4 },
  ])('$rows rows in batches of 4: each row once, in $batches batches', async ({ rows, batches }) => {
    const tier = await newTier();
    await addPrice(tier, { effective_from: LONG_AGO });
    for (let row = 0; row < rows; row += 1) await unpriced(tier, FEBRUARY);
    // Three rows share each instant, a microsecond apart from the next three: the keyset must keep
    // PostgreSQL's microseconds (a JS Date drops them) and break ties on id.
    await db.dataSource.query(
      `UPDATE llm_generation_metrics m SET created_at = m.created_at + (n.rank / 3) * interval '1 microsecond'
       FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rank FROM llm_generation_metrics WHERE tier = $1) n
       WHERE m.id = n.id`,
      [tier],
    );

    const announced = await reprice(tier, { batchSize: BATCH });
    const applied = await reprice(tier, { batchSize: BATCH, apply: true });

    expect(announced).toMatchObject({ rowsMatched: rows, rowsChanged: rows, batches });
    expect(applied).toEqual({ ...announced, applied: true });
    expect((await costs(tier)).filter(({ status }) => status === 'computed')).toHaveLength(rows);
  });

  test.each([
    ['tier', { tier: '' }],
    ['tier', { tier: '  ' }],
    ['model', { model: '' }],
    ['from', { from: new Date(Number.NaN) }],
    ['to', { to: new Date('not a date') }],
    ['to', { from: TO, to: FROM }],
    ['to', { from: FROM, to: FROM }],
    ['batchSize', { batchSize: 0 }],
    ['batchSize', { batchSize: 10_001 }],
    ['batchSize', { batchSize: 2.5 }],
  ])('rejects a bad %s and writes nothing: %p', async (field, options) => {
    const before = await everyRow();
    await expect(reprice('cloud_fast', { ...options, apply: true })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(new RegExp(`^${field} `)),
    });
    expect(await everyRow()).toEqual(before);
  });

  test.each([1, 10_000])('accepts batchSize %p', async (batchSize) => {
    await expect(reprice(await newTier(), { batchSize })).resolves.toMatchObject({ rowsMatched: 0 });
  });
});

/** The compiled CLI behind `pnpm db:reprice` (built by `pnpm --filter @llm-metrics/db build`). */
const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'db.js');

function run(args: string[], env: NodeJS.ProcessEnv) {
  const { DATABASE_URL: _inherited, ...rest } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...rest, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('llm-metrics-db reprice', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the package first (pnpm build)`);
  });

  test('prints a labelled dry run, then --apply rewrites the rows it announced', async () => {
    const tier = await priceChangeInTheMiddle();
    const args = ['reprice', '--tier', tier, '--from', '2026-01-01', '--to', '2026-07-01T02:00:00+02:00'];
    const env = { DATABASE_URL: db.url };
    const before = await everyRow();

    const dryRun = await run(args, env);
    expect(dryRun).toMatchObject({ code: 0, stderr: '' });
    expect(dryRun.stdout).toContain(
      `Repricing tier ${tier}, every model, created from 2026-01-01T00:00:00.000Z (inclusive) ` +
        'to 2026-07-01T00:00:00.000Z (exclusive)',
    );
    expect(dryRun.stdout).toMatch(/Rows matched: +4\n/);
    expect(dryRun.stdout).toMatch(/Rows that would change: +2\n/);
    expect(dryRun.stdout).toMatch(/computed -> computed +4\n/);
    expect(dryRun.stdout).toMatch(/Total before: +0\.002760000000 USD\n/);
    expect(dryRun.stdout).toMatch(/Total after: +0\.006700000000 USD\n/);
    expect(dryRun.stdout).toMatch(/Difference: +\+0\.003940000000 USD\n/);
    expect(dryRun.stdout).toContain(
      'Dry run: nothing was written. Run again with --apply to rewrite these rows.',
    );
    expect(await everyRow()).toEqual(before);

    const applied = await run([...args, '--apply', '--batch-size', '3'], env);
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout).toMatch(/Rows changed: +2\n/);
    expect(applied.stdout).toMatch(/Difference: +\+0\.003940000000 USD\n/);
    expect(applied.stdout).toContain('Applied: 2 rows rewritten in 2 batches.');
    expect(applied.stdout).not.toContain('Dry run');
    expect((await costs(tier)).map(({ cost_usd }) => cost_usd)).toEqual([
      '0.000690000000',
      '0.000690000000',
      '0.002660000000',
      '0.002660000000',
      '0.000690000000',
    ]);
    expect((await run(args, env)).stdout).toMatch(/Rows that would change: +0\n/);
  });

  const RANGE = ['--from', '2026-01-01', '--to', '2026-07-01'];
  test.each([
    [['reprice', ...RANGE], '--tier is required'],
    [['reprice', '--tier', 'cloud_fast', '--to', '2026-07-01'], '--from is required'],
    [['reprice', '--tier'], '--tier'],
    [['reprice', '--tier', '', ...RANGE], '--tier must not be empty'],
    [['reprice', '--tier', 'cloud_fast', '--model', '', ...RANGE], '--model must not be empty'],
    [
      ['reprice', '--tier', 'cloud_fast', '--from', '2026-02-30', '--to', '2026-07-01'],
      '--from must be an ISO-8601',
    ],
    [
      ['reprice', '--tier', 'cloud_fast', '--from', '2026-01-01T12:00', '--to', '2026-07-01'],
      '--from must be',
    ],
    [
      ['reprice', '--tier', 'cloud_fast', '--from', '2026-01-01', '--to', 'tomorrow'],
      '--to must be an ISO-8601',
    ],
    [['reprice', '--tier', 'cloud_fast', '--from', '2026-07-01', '--to', '2026-01-01'], '--to must be later'],
    [['reprice', '--tier', 'cloud_fast', ...RANGE, '--batch-size', '0'], '--batch-size must be an integer'],
    [['reprice', '--tier', 'cloud_fast', ...RANGE, '--batch-size', '1e3'], '--batch-size must be an integer'],
    [['reprice', '--tier', 'cloud_fast', ...RANGE, '--batch-size', '10001'], '--batch-size must be'],
    [['reprice', '--tier', 'cloud_fast', ...RANGE, '--all'], '--all only applies to rollback'],
    [['status', '--apply'], '--apply only applies to reprice'],
  ])('%j exits 2 before connecting, naming the option', async (args, message) => {
    const result = await run(args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: llm-metrics-db <command>');
  });
});
