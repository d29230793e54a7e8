import { describe, expect, test } from '@jest/globals';
import {
  costOf,
  type Cost,
  loadPriceBook,
  PriceBook,
  type PricedGeneration,
  type PriceVersion,
} from '../src/pricing';
import { useTestDatabase } from '../src/testing';

const db = useTestDatabase();

const CHANGE = new Date('2026-03-01T00:00:00.000Z');
const version = (overrides: Partial<PriceVersion>): PriceVersion => ({
  id: 'v-base',
  tier: 'cloud_fast',
  modelName: 'glm-4.5',
  inputPerMillion: '0.2000000000',
  outputPerMillion: '0.2000000000',
  cachedInputPerMillion: null,
  cacheWritePerMillion: null,
  reasoningPerMillion: null,
  effectiveFromMs: -Infinity,
  effectiveToMs: Infinity,
  ...overrides,
});

/** The seed's three tiers, a price change on cloud_premium, a retired model and a cache-priced model. */
const BOOK = new PriceBook([
  version({ id: 'fast-1' }),
  version({
    id: 'local-1',
    tier: 'local',
    modelName: 'ollama/codellama:7b',
    inputPerMillion: '0',
    outputPerMillion: '0',
  }),
  version({
    id: 'premium-1',
    tier: 'cloud_premium',
    modelName: 'glm-4.6',
    inputPerMillion: '0.30',
    outputPerMillion: '0.30',
    effectiveToMs: CHANGE.getTime(),
  }),
  version({
    id: 'premium-2',
    tier: 'cloud_premium',
    modelName: 'glm-4.6',
    inputPerMillion: '0.60',
    outputPerMillion: '2.20',
    effectiveFromMs: CHANGE.getTime(),
  }),
  version({ id: 'retired-1', tier: 'legacy', modelName: 'old', effectiveToMs: CHANGE.getTime() }),
  version({
    id: 'cache-1',
    tier: 'frontier',
    modelName: 'big',
    inputPerMillion: '3',
    outputPerMillion: '15',
    cachedInputPerMillion: '0.3',
    cacheWritePerMillion: '3.75',
  }),
  version({
    id: 'cheap-1',
    tier: 'cheap',
    modelName: 'tiny',
    inputPerMillion: '0.01',
    outputPerMillion: '0.000001',
  }),
]);

const generation = (overrides: Partial<PricedGeneration>): PricedGeneration => ({
  tier: 'cloud_fast',
  model_used: 'glm-4.5',
  created_at: new Date('2026-01-15T12:00:00.000Z'),
  tokens_input: 1500,
  tokens_output: 800,
  ...overrides,
});

const computed = (cost_usd: string, price_version_id: string): Cost => ({
  cost_status: 'computed',
  cost_usd,
  price_version_id,
});
const UNPRICED: Cost = { cost_status: 'unpriced', cost_usd: null, price_version_id: null };

describe('PriceBook.price', () => {
  test.each<[string, Partial<PricedGeneration>, Cost]>([
    ['cloud_fast at the seed price (the seed example: $0.00046)', {}, computed('0.000460000000', 'fast-1')],
    [
      'cloud_premium before its price change',
      { tier: 'cloud_premium', model_used: 'glm-4.6', created_at: new Date(CHANGE.getTime() - 1) },
      computed('0.000690000000', 'premium-1'),
    ],
    [
      'cloud_premium at the instant of its price change: the new version',
      { tier: 'cloud_premium', model_used: 'glm-4.6', created_at: CHANGE },
      computed('0.002660000000', 'premium-2'),
    ],
    [
      'local: $0.00 is a real price',
      { tier: 'local', model_used: 'ollama/codellama:7b' },
      computed('0.000000000000', 'local-1'),
    ],
    ['an unknown tier is unpriced, never $0', { tier: 'mystery' }, UNPRICED],
    ['a known tier with another model is unpriced', { model_used: 'glm-9' }, UNPRICED],
    [
      'a retired price no longer applies',
      { tier: 'legacy', model_used: 'old', created_at: CHANGE },
      UNPRICED,
    ],
    [
      'a provided cost wins over the price',
      { cost_usd: '0.5' },
      { cost_status: 'provided', cost_usd: '0.5', price_version_id: null },
    ],
    [
      'a provided cost wins even where no price exists',
      { tier: 'mystery', cost_usd: '0' },
      { cost_status: 'provided', cost_usd: '0', price_version_id: null },
    ],
    [
      'cached reads, cache writes and reasoning as parts of input and output',
      // 600 plain × $3 + 300 cached × $0.3 + 100 written × $3.75 + 800 output × $15 (reasoning at the output price)
      {
        tier: 'frontier',
        model_used: 'big',
        tokens_input: 1000,
        tokens_cached_input: 300,
        tokens_cache_write: 100,
        tokens_output: 800,
        tokens_reasoning: 500,
      },
      computed('0.014265000000', 'cache-1'),
    ],
    [
      'one token of a $0.01/1M model does not round to 0',
      { tier: 'cheap', model_used: 'tiny', tokens_input: 1, tokens_output: 0 },
      computed('0.000000010000', 'cheap-1'),
    ],
    [
      'one output token at $0.000001/1M is the smallest cost kept',
      { tier: 'cheap', model_used: 'tiny', tokens_input: 0, tokens_output: 1 },
      computed('0.000000000001', 'cheap-1'),
    ],
    ['zero tokens cost zero', { tokens_input: 0, tokens_output: 0 }, computed('0.000000000000', 'fast-1')],
  ])('%s', (_case, overrides, expected) => {
    expect(BOOK.price(generation(overrides))).toEqual(expected);
  });

  test.each<[Partial<PricedGeneration>, RegExp]>([
    [
      {
        tier: 'frontier',
        model_used: 'big',
        tokens_input: 10,
        tokens_cached_input: 8,
        tokens_cache_write: 3,
      },
      /tokens_cached_input \+ tokens_cache_write exceed tokens_input/,
    ],
    [{ tokens_output: 10, tokens_reasoning: 11 }, /tokens_reasoning exceeds tokens_output/],
    [{ tokens_input: 1.5 }, /tokens_input must be an integer >= 0/],
    [{ tokens_output: -1 }, /tokens_output must be an integer >= 0/],
  ])('impossible token counts are rejected: %j', (overrides, message) => {
    expect(() => BOOK.price(generation(overrides))).toThrow(message);
  });
});

describe('costOf against PostgreSQL numeric arithmetic', () => {
  test('equals round(Σ tokens × price / 1e6, 12) exactly for 500 random generations', async () => {
    let seed = 42;
    const random = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % max;
    };
    const price = () => `${random(100)}.${String(random(10 ** 9)).padStart(9, '0')}${random(10)}`;
    const cases = Array.from({ length: 500 }, () => {
      const tokens_input = random(2_000_000);
      const tokens_output = random(200_000);
      const usage = {
        tokens_input,
        tokens_output,
        tokens_cached_input: random(Math.floor(tokens_input / 2) + 1),
        tokens_cache_write: random(Math.floor(tokens_input / 2) + 1),
        tokens_reasoning: random(tokens_output + 1),
      };
      const prices = version({
        inputPerMillion: price(),
        outputPerMillion: price(),
        cachedInputPerMillion: price(),
        cacheWritePerMillion: price(),
        reasoningPerMillion: price(),
      });
      return { usage, prices, cost: costOf(usage, prices) };
    });
    const expected = await db.dataSource.query<{ cost: string }[]>(
      `SELECT round((c.plain * c.p_in + c.cached * c.p_cached + c.written * c.p_write
                     + c.visible * c.p_out + c.reasoning * c.p_reason) / 1000000, 12)::text AS cost
       FROM jsonb_to_recordset($1::jsonb) AS c(ord int, plain numeric, cached numeric, written numeric,
            visible numeric, reasoning numeric, p_in numeric, p_cached numeric, p_write numeric,
            p_out numeric, p_reason numeric)
       ORDER BY c.ord`,
      [
        JSON.stringify(
          cases.map(({ usage, prices }, ord) => ({
            ord,
            plain: usage.tokens_input - usage.tokens_cached_input - usage.tokens_cache_write,
            cached: usage.tokens_cached_input,
            written: usage.tokens_cache_write,
            visible: usage.tokens_output - usage.tokens_reasoning,
            reasoning: usage.tokens_reasoning,
            p_in: prices.inputPerMillion,
            p_cached: prices.cachedInputPerMillion,
            p_write: prices.cacheWritePerMillion,
            p_out: prices.outputPerMillion,
            p_reason: prices.reasoningPerMillion,
          })),
        ),
      ],
    );
    expect(cases.map(({ cost }) => cost)).toEqual(expected.map(({ cost }) => cost));
  });
});

describe('loadPriceBook', () => {
  test('reads the seed versions, in effect since always', async () => {
    const book = await loadPriceBook(db.dataSource);
    const cost = book.price(generation({ created_at: new Date('1990-01-01T00:00:00Z') }));
    expect(cost).toMatchObject({ cost_status: 'computed', cost_usd: '0.000460000000' });
    expect(book.priceAt('local', 'ollama/codellama:7b', new Date())).toMatchObject({
      inputPerMillion: '0.0000000000',
      effectiveFromMs: -Infinity,
      effectiveToMs: Infinity,
    });
  });
});
