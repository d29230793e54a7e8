import { describe, expect, test } from '@jest/globals';
import { addPriceVersion, syncContextWindowPrices } from '../src/price-versions';
import { loadPriceBook } from '../src/pricing';
import { newGeneration, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

const NOW = new Date('2026-06-01T00:00:00.000Z');
const MARCH = new Date('2026-03-01T00:00:00.000Z');
const SEPTEMBER = new Date('2026-09-01T00:00:00.000Z');
const JANUARY = new Date('2026-01-01T00:00:00.000Z');
const JULY = new Date('2026-07-01T00:00:00.000Z');

const price = (tier: string, model_name: string) => (input: string, effective_from: Date) => ({
  tier,
  model_name,
  cost_per_1m_input_usd: input,
  cost_per_1m_output_usd: input,
  effective_from,
});

const premium = price('cloud_premium', 'glm-4.6');
const fast = price('cloud_fast', 'glm-4.5');

const contextWindow = async (tier: string) =>
  (
    await db.dataSource.query<{ model_name: string; input: string }[]>(
      `SELECT model_name, cost_per_1m_input_usd::text AS input FROM llm_context_windows WHERE tier = $1`,
      [tier],
    )
  )[0];

const versions = (tier: string) =>
  db.dataSource.query<{ input: string; effective_from: string; effective_to: string | null }[]>(
    `SELECT cost_per_1m_input_usd::text AS input, (effective_from AT TIME ZONE 'UTC')::text AS effective_from,
            (effective_to AT TIME ZONE 'UTC')::text AS effective_to
     FROM llm_price_versions WHERE tier = $1 ORDER BY effective_from`,
    [tier],
  );

describe('addPriceVersion', () => {
  test('a price change adds a version, ends the previous one, and shows in llm_context_windows', async () => {
    const recorded = await newGeneration(db.dataSource, { tier: 'cloud_premium', model_used: 'glm-4.6' });
    await addPriceVersion(db.dataSource, premium('0.6', MARCH), NOW);
    expect(await versions('cloud_premium')).toEqual([
      { input: '0.3000000000', effective_from: '-infinity', effective_to: '2026-03-01 00:00:00' },
      { input: '0.6000000000', effective_from: '2026-03-01 00:00:00', effective_to: null },
    ]);
    expect(await contextWindow('cloud_premium')).toEqual({ model_name: 'glm-4.6', input: '0.6000000000' });
    const [row] = await db.dataSource.query<{ cost_usd: string }[]>(
      `SELECT cost_usd::text FROM llm_generation_metrics WHERE id = $1`,
      [recorded.id],
    );
    expect(row?.cost_usd).toBe('0.000460000000');

    const book = await loadPriceBook(db.dataSource);
    const usage = { tier: 'cloud_premium', model_used: 'glm-4.6', tokens_input: 1_000_000, tokens_output: 0 };
    expect(book.price({ ...usage, created_at: new Date(MARCH.getTime() - 1) }).cost_usd).toBe(
      '0.300000000000',
    );
    expect(book.price({ ...usage, created_at: MARCH }).cost_usd).toBe('0.600000000000');
  });

  test('a future price waits; a backdated one slots in before it and, applying now, becomes current', async () => {
    await addPriceVersion(db.dataSource, fast('0.9', SEPTEMBER), NOW);
    expect(await contextWindow('cloud_fast')).toEqual({ model_name: 'glm-4.5', input: '0.2000000000' });

    await addPriceVersion(db.dataSource, fast('0.45', JANUARY), NOW);
    expect((await versions('cloud_fast')).map(({ input, effective_to }) => [input, effective_to])).toEqual([
      ['0.2000000000', '2026-01-01 00:00:00'],
      ['0.4500000000', '2026-09-01 00:00:00'],
      ['0.9000000000', null],
    ]);
    expect(await contextWindow('cloud_fast')).toEqual({ model_name: 'glm-4.5', input: '0.4500000000' });
  });

  test('a scheduled price shows in llm_context_windows once it applies (nightly sync)', async () => {
    await addPriceVersion(db.dataSource, price('local', 'ollama/codellama:7b')('0.05', JULY), NOW);
    expect(await contextWindow('local')).toEqual({
      model_name: 'ollama/codellama:7b',
      input: '0.0000000000',
    });
    expect(await syncContextWindowPrices(db.dataSource, NOW)).toBe(0);
    expect(await syncContextWindowPrices(db.dataSource, JULY)).toBe(1);
    expect(await contextWindow('local')).toEqual({
      model_name: 'ollama/codellama:7b',
      input: '0.0500000000',
    });
    expect(await syncContextWindowPrices(db.dataSource, JULY)).toBe(0);
  });

  test.each([
    ['an unknown tier', { ...premium('1', MARCH), tier: 'nope' }, /tier nope does not exist/],
    [
      'a second version starting at the same instant',
      premium('1', MARCH),
      /already starts at 2026-03-01T00:00:00.000Z/,
    ],
  ])('rejects %s and writes nothing', async (_case, input, message) => {
    const before = await versions(input.tier);
    await expect(addPriceVersion(db.dataSource, input, NOW)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(message),
    });
    expect(await versions(input.tier)).toEqual(before);
  });
});

describe('addPriceVersion inside a caller transaction', () => {
  test('commits with the caller, and is undone with it', async () => {
    const local = price('local', 'ollama/codellama:7b');
    const before = await versions('local');
    await expect(
      db.dataSource.transaction(async (manager) => {
        await addPriceVersion(manager, local('0.07', JANUARY), NOW);
        throw new Error('the caller fails after the price was added');
      }),
    ).rejects.toThrow('the caller fails');
    expect(await versions('local')).toEqual(before);

    await db.dataSource.transaction((manager) => addPriceVersion(manager, local('0.07', JANUARY), NOW));
    const after = await versions('local');
    expect(after).toHaveLength(before.length + 1);
    expect(after).toContainEqual(
      expect.objectContaining({ input: '0.0700000000', effective_from: '2026-01-01 00:00:00' }),
    );
  });
});
