import type { DataSource } from 'typeorm';
import type { CostStatus } from './entities';
import { formatDecimal, parseDecimal } from './decimal';
import { DbError } from './errors';

/** Prices are stored with 10 decimal places per 1M tokens, costs with 12 (`numeric(20,12)`). */
const PRICE_SCALE = 10;
const COST_SCALE = 12;
/** price × 10^10 per 1M tokens = cost × 10^16 per token; dividing by 10^4 rounds to 12 places. */
const TO_COST_SCALE = 10n ** BigInt(PRICE_SCALE + 6 - COST_SCALE);

/** One immutable price of a tier's model, valid from `effectiveFromMs` (inclusive) to `effectiveToMs`. */
export interface PriceVersion {
  readonly id: string;
  readonly tier: string;
  readonly modelName: string;
  /** USD per 1M tokens, as exact decimal strings. */
  readonly inputPerMillion: string;
  readonly outputPerMillion: string;
  /** Null: priced as input. */
  readonly cachedInputPerMillion: string | null;
  /** Null: priced as input. */
  readonly cacheWritePerMillion: string | null;
  /** Null: priced as output. */
  readonly reasoningPerMillion: string | null;
  /** Epoch milliseconds; `-Infinity` for a price that has always applied. */
  readonly effectiveFromMs: number;
  /** Epoch milliseconds; `Infinity` while no later version or end is known. */
  readonly effectiveToMs: number;
}

/** Token counts of a generation. Cached and cache-write tokens are part of the input, reasoning of the output. */
export interface TokenUsage {
  readonly tokens_input: number;
  readonly tokens_output: number;
  readonly tokens_cached_input?: number | null;
  readonly tokens_cache_write?: number | null;
  readonly tokens_reasoning?: number | null;
}

export interface PricedGeneration extends TokenUsage {
  readonly tier: string;
  readonly model_used: string;
  readonly created_at: Date;
  /** A cost the caller measured itself; it wins over any price. */
  readonly cost_usd?: string | null;
}

/** What a metrics row stores about its cost (the CHECK `chk_llm_metrics_cost_status` holds these shapes). */
export type Cost =
  | {
      readonly cost_status: Extract<CostStatus, 'computed'>;
      readonly cost_usd: string;
      readonly price_version_id: string;
    }
  | {
      readonly cost_status: Extract<CostStatus, 'provided'>;
      readonly cost_usd: string;
      readonly price_version_id: null;
    }
  | {
      readonly cost_status: Extract<CostStatus, 'unpriced'>;
      readonly cost_usd: null;
      readonly price_version_id: null;
    };

/**
 * The one cost function of the product: exact decimal arithmetic (integers scaled by 10^16, never
 * floats), each kind of token at its own price, rounded half-up to the 12 places `cost_usd` keeps.
 */
export function costOf(usage: TokenUsage, price: PriceVersion): string {
  assertTokenParts(usage);
  const cachedInput = usage.tokens_cached_input ?? 0;
  const cacheWrite = usage.tokens_cache_write ?? 0;
  const reasoning = usage.tokens_reasoning ?? 0;
  const input = scaledPrice(price.inputPerMillion);
  const output = scaledPrice(price.outputPerMillion);
  const costScaled =
    BigInt(usage.tokens_input - cachedInput - cacheWrite) * input +
    BigInt(cachedInput) * scaledPrice(price.cachedInputPerMillion, input) +
    BigInt(cacheWrite) * scaledPrice(price.cacheWritePerMillion, input) +
    BigInt(usage.tokens_output - reasoning) * output +
    BigInt(reasoning) * scaledPrice(price.reasoningPerMillion, output);
  return formatDecimal((costScaled + TO_COST_SCALE / 2n) / TO_COST_SCALE, COST_SCALE);
}

/** Token counts are integers >= 0, and the parts (cached, cache write, reasoning) fit in their wholes. */
export function assertTokenParts(usage: TokenUsage): void {
  for (const field of TOKEN_FIELDS) {
    const count = usage[field];
    if (count !== null && count !== undefined && !isTokenCount(count)) {
      throw new DbError('VALIDATION_FAILED', `${field} must be an integer >= 0`, { field });
    }
  }
  if ((usage.tokens_cached_input ?? 0) + (usage.tokens_cache_write ?? 0) > usage.tokens_input) {
    throw new DbError('VALIDATION_FAILED', 'tokens_cached_input + tokens_cache_write exceed tokens_input', {
      field: 'tokens_cached_input',
    });
  }
  if ((usage.tokens_reasoning ?? 0) > usage.tokens_output) {
    throw new DbError('VALIDATION_FAILED', 'tokens_reasoning exceeds tokens_output', {
      field: 'tokens_reasoning',
    });
  }
}

const TOKEN_FIELDS = [
  'tokens_input',
  'tokens_output',
  'tokens_cached_input',
  'tokens_cache_write',
  'tokens_reasoning',
] as const satisfies readonly (keyof TokenUsage)[];

/** Every price version, indexed for "the price of this tier's model at this instant". */
export class PriceBook {
  private readonly byTierAndModel = new Map<string, PriceVersion[]>();

  constructor(versions: readonly PriceVersion[]) {
    for (const version of versions) {
      const key = PriceBook.key(version.tier, version.modelName);
      this.byTierAndModel.set(key, [...(this.byTierAndModel.get(key) ?? []), version]);
    }
  }

  /** The version in effect for `tier`/`model` at `at`, if any. */
  priceAt(tier: string, model: string, at: Date): PriceVersion | undefined {
    const instant = at.getTime();
    return this.byTierAndModel
      .get(PriceBook.key(tier, model))
      ?.find((version) => version.effectiveFromMs <= instant && instant < version.effectiveToMs);
  }

  /** The cost to store on a metrics row: provided if the caller gave one, else computed, else unpriced. */
  price(generation: PricedGeneration): Cost {
    if (generation.cost_usd !== undefined && generation.cost_usd !== null) {
      return { cost_status: 'provided', cost_usd: generation.cost_usd, price_version_id: null };
    }
    const version = this.priceAt(generation.tier, generation.model_used, generation.created_at);
    if (version === undefined) return { cost_status: 'unpriced', cost_usd: null, price_version_id: null };
    return { cost_status: 'computed', cost_usd: costOf(generation, version), price_version_id: version.id };
  }

  private static key(tier: string, model: string): string {
    return `${tier}\u0000${model}`;
  }
}

/** Reads every price version; callers cache the book and reload it, never query per row. */
export async function loadPriceBook(dataSource: DataSource): Promise<PriceBook> {
  const rows = await dataSource.query<
    {
      id: string;
      tier: string;
      model_name: string;
      input: string;
      output: string;
      cached_input: string | null;
      cache_write: string | null;
      reasoning: string | null;
      from_ms: number;
      to_ms: number | null;
    }[]
  >(`
    SELECT id, tier, model_name,
           cost_per_1m_input_usd::text AS input, cost_per_1m_output_usd::text AS output,
           cost_per_1m_cached_input_usd::text AS cached_input, cost_per_1m_cache_write_usd::text AS cache_write,
           cost_per_1m_reasoning_usd::text AS reasoning,
           (extract(epoch FROM effective_from) * 1000)::float8 AS from_ms,
           (extract(epoch FROM effective_to) * 1000)::float8 AS to_ms
    FROM llm_price_versions`);
  return new PriceBook(
    rows.map((row) => ({
      id: row.id,
      tier: row.tier,
      modelName: row.model_name,
      inputPerMillion: row.input,
      outputPerMillion: row.output,
      cachedInputPerMillion: row.cached_input,
      cacheWritePerMillion: row.cache_write,
      reasoningPerMillion: row.reasoning,
      effectiveFromMs: row.from_ms,
      effectiveToMs: row.to_ms ?? Infinity,
    })),
  );
}

function isTokenCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** A price per 1M tokens as an integer scaled by 10^10 (`fallback` when the price is absent). */
function scaledPrice(price: string | null, fallback?: bigint): bigint {
  if (price === null) {
    if (fallback === undefined) throw new TypeError('a price is required');
    return fallback;
  }
  const scaled = parseDecimal(price, PRICE_SCALE);
  if (scaled === undefined) {
    throw new DbError(
      'VALIDATION_FAILED',
      `price ${price} is not a decimal with at most ${PRICE_SCALE} places`,
    );
  }
  return scaled;
}
