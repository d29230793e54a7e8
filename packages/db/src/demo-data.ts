import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LLMMetricsCollector } from './collector';
import type { FinishReason, GenerationInput } from './generation';
import { refreshRollups } from './rollups';
import { seededRandom } from './testing/seeded-random';

/**
 * Demo data for `npm start` on a fresh embedded database: a month of generations across the seed
 * tiers, recorded through the collector (so costs come from the price versions, as in production),
 * with history rows whose prompts come from a handful of templates, code with renamed variants,
 * quality scores, validation results and user feedback (repeated complaints included), so every
 * report and the pattern miner have something real to show.
 */

export const DEFAULT_DEMO_GENERATIONS = 3000;
const DAY_MS = 86_400_000;
const DEMO_DAYS = 30;

export interface DemoOptions {
  /** Generations to record (default 3,000). */
  readonly generations?: number;
  /** The end of the month of data (default now). */
  readonly now?: Date;
  /** PRNG seed: the same seed writes the same data, but for ids. */
  readonly seed?: number;
}

export interface DemoResult {
  /** Generations written; 0 when the database already held some and nothing was written. */
  readonly generations: number;
  readonly historyRows: number;
}

/**
 * Writes the demo month into a database that has no generations yet; a database with any is left
 * as it is (so a second start adds nothing). Folds the new rows into the report rollups.
 */
export async function seedDemoDataOnce(
  dataSource: DataSource,
  options: DemoOptions = {},
): Promise<DemoResult> {
  const [{ any }] = await dataSource.query<[{ any: boolean }]>(
    `SELECT EXISTS (SELECT 1 FROM llm_generation_metrics) AS any`,
  );
  if (any) return { generations: 0, historyRows: 0 };
  const tiers = await dataSource.query<{ tier: string; model_name: string }[]>(
    `SELECT tier, model_name FROM llm_context_windows WHERE is_active ORDER BY tier`,
  );
  const rows = demoGenerations(tiers, options);
  const collector = await LLMMetricsCollector.create(dataSource, {
    batchSize: 1000,
    now: () => options.now ?? new Date(),
  });
  try {
    for (const row of rows) await collector.record(row);
  } finally {
    await collector.close();
  }
  await refreshRollups(dataSource);
  return {
    generations: rows.length,
    historyRows: rows.filter((row) => row.prompt_text !== undefined).length,
  };
}

interface Template {
  readonly node_type: string;
  readonly service_name: string;
  readonly method_name: string;
  readonly prompt: (pick: Pick) => string;
  /** Code variants: the same structure under different names, plus one with an extra branch. */
  readonly code: readonly ((pick: Pick) => string)[];
  /** Complaints users repeat about this kind of code, with a slot filled per row. */
  readonly complaints: readonly ((pick: Pick) => string)[];
}

type Pick = <T>(choices: readonly T[]) => T;

const TABLES = ['users', 'orders', 'invoices', 'sessions', 'audit_events'] as const;
const FIELDS = ['email', 'amount', 'status', 'created_at', 'customer_id'] as const;

const TEMPLATES: readonly Template[] = [
  {
    node_type: 'effect',
    service_name: 'PostgresService',
    method_name: 'create_connection',
    prompt: (pick) =>
      `Generate an async Python method create_connection for the PostgresService effect node.\n` +
      `Requirements:\n- use asyncpg with a pool of ${pick([5, 10, 20])} connections\n` +
      `- type hints on every argument and the return value\n- close the pool on shutdown\n` +
      `Database: ${pick(['orders', 'billing', 'analytics'])}`,
    code: [
      () =>
        'async def create_connection(self, dsn: str) -> asyncpg.Pool:\n' +
        '    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=self.pool_size)\n' +
        '    self._pool = pool\n    return pool\n',
      () =>
        'async def create_connection(self, url: str) -> asyncpg.Pool:\n' +
        '    connection_pool = await asyncpg.create_pool(url, min_size=1, max_size=self.size)\n' +
        '    self._pool = connection_pool\n    return connection_pool\n',
      () =>
        'async def create_connection(self, dsn: str) -> asyncpg.Pool:\n' +
        '    if self._pool is not None:\n        return self._pool\n' +
        '    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=self.pool_size)\n' +
        '    self._pool = pool\n    return pool\n',
    ],
    complaints: [
      (pick) => `Connection pool is never closed when the ${pick(['worker', 'service', 'node'])} shuts down`,
      (pick) =>
        `Missing timeout: the connect call hangs for ${pick([30, 60, 120])} seconds when the database is down`,
    ],
  },
  {
    node_type: 'compute',
    service_name: 'PricingService',
    method_name: 'calculate_discount',
    prompt: (pick) =>
      `Write a pure Python function calculate_discount for the PricingService compute node.\n` +
      `Input: an order total in cents and a customer tier (${pick(['gold', 'silver', 'bronze'])}).\n` +
      `Rules:\n- never return a negative total\n- round half up to the cent\n` +
      `Example: ${pick([1999, 4500, 12000])} cents -> apply ${pick([5, 10, 15])}%`,
    code: [
      () =>
        'def calculate_discount(total_cents: int, rate: Decimal) -> int:\n' +
        '    discounted = (Decimal(total_cents) * (1 - rate)).quantize(Decimal("1"), ROUND_HALF_UP)\n' +
        '    return max(int(discounted), 0)\n',
      () =>
        'def calculate_discount(amount: int, percent: Decimal) -> int:\n' +
        '    result = (Decimal(amount) * (1 - percent)).quantize(Decimal("1"), ROUND_HALF_UP)\n' +
        '    return max(int(result), 0)\n',
    ],
    complaints: [
      (pick) => `Uses float arithmetic: ${pick(['19.99', '0.1', '45.5'])} is rounded wrong`,
      () => 'Discount rate is not validated: a rate above 1 gives a negative total',
    ],
  },
  {
    node_type: 'reducer',
    service_name: 'OrderService',
    method_name: 'apply_event',
    prompt: (pick) =>
      `Implement apply_event for the OrderService reducer node.\n` +
      `Events: OrderPlaced, OrderPaid, OrderShipped, OrderCancelled.\n` +
      `State field to update: ${pick(FIELDS)}\n` +
      `Constraints:\n- the reducer is pure\n- unknown events leave the state unchanged`,
    code: [
      () =>
        'def apply_event(state: OrderState, event: Event) -> OrderState:\n' +
        '    match event:\n        case OrderPaid():\n            return replace(state, status="paid")\n' +
        '        case OrderShipped():\n            return replace(state, status="shipped")\n' +
        '        case _:\n            return state\n',
      () =>
        'def apply_event(current: OrderState, incoming: Event) -> OrderState:\n' +
        '    match incoming:\n        case OrderPaid():\n            return replace(current, status="paid")\n' +
        '        case OrderShipped():\n            return replace(current, status="shipped")\n' +
        '        case _:\n            return current\n',
    ],
    complaints: [
      (pick) => `OrderCancelled is not handled: ${pick(['refund', 'stock'])} state is left stale`,
      () => 'Mutates the state in place instead of returning a new one',
    ],
  },
  {
    node_type: 'effect',
    service_name: 'HttpClientService',
    method_name: 'fetch_with_retry',
    prompt: (pick) =>
      `Generate fetch_with_retry for the HttpClientService effect node.\n` +
      `It calls ${pick(['https://api.example.com/v1/orders', 'https://billing.internal/invoices', 'https://hooks.example.org/events'])}\n` +
      `Retry policy:\n- at most ${pick([3, 5])} attempts\n- exponential backoff from ${pick([100, 250, 500])} ms\n- retry on 5xx and timeouts only`,
    code: [
      () =>
        'async def fetch_with_retry(self, url: str, attempts: int = 3) -> httpx.Response:\n' +
        '    for attempt in range(attempts):\n        response = await self.client.get(url)\n' +
        '        if response.status_code < 500:\n            return response\n' +
        '        await asyncio.sleep(0.1 * 2 ** attempt)\n    return response\n',
      () =>
        'async def fetch_with_retry(self, endpoint: str, tries: int = 3) -> httpx.Response:\n' +
        '    for n in range(tries):\n        reply = await self.client.get(endpoint)\n' +
        '        if reply.status_code < 500:\n            return reply\n' +
        '        await asyncio.sleep(0.1 * 2 ** n)\n    return reply\n',
    ],
    complaints: [
      (pick) => `Retries on ${pick([400, 404, 422])} responses, which can never succeed`,
      () => 'No jitter in the backoff: every client retries at the same instant',
    ],
  },
  {
    node_type: 'compute',
    service_name: 'ValidationService',
    method_name: 'validate_payload',
    prompt: (pick) =>
      `Write validate_payload for the ValidationService compute node.\n` +
      `Table: ${pick(TABLES)}\nRequired fields: ${pick(FIELDS)}, ${pick(FIELDS)}\n` +
      `Return a list of error messages; an empty list means valid.`,
    code: [
      () =>
        'def validate_payload(payload: dict[str, Any], required: list[str]) -> list[str]:\n' +
        '    return [f"{name} is required" for name in required if name not in payload]\n',
      () =>
        'def validate_payload(data: dict[str, Any], fields: list[str]) -> list[str]:\n' +
        '    return [f"{field} is required" for field in fields if field not in data]\n',
    ],
    complaints: [
      (pick) => `Does not check the type of ${pick(FIELDS)}`,
      (pick) => `Builds SQL from the payload for table ${pick(TABLES)} instead of using parameters`,
    ],
  },
  {
    node_type: 'orchestrator',
    service_name: 'WorkflowService',
    method_name: 'run_pipeline',
    prompt: (pick) =>
      `Generate run_pipeline for the WorkflowService orchestrator node.\n` +
      `Steps: ${pick(['extract, transform, load', 'fetch, validate, store', 'plan, generate, review'])}\n` +
      `Each step may fail; stop at the first failure and report which step failed.\n` +
      `Timeout per step: ${pick([10, 30, 60])} s`,
    code: [
      () =>
        'async def run_pipeline(self, steps: list[Step]) -> PipelineResult:\n' +
        '    for step in steps:\n        outcome = await asyncio.wait_for(step.run(), timeout=self.timeout)\n' +
        '        if not outcome.ok:\n            return PipelineResult(failed=step.name)\n' +
        '    return PipelineResult(failed=None)\n',
    ],
    complaints: [() => 'A timed-out step is reported as a crash, not as the failing step'],
  },
];

interface TierModel {
  readonly tier: string;
  readonly model_name: string;
}

/** The quality a tier tends to reach, and its latency and size profile. */
function profileOf(tier: string): { quality: number; latencyMs: number; outputScale: number } {
  if (tier === 'local') return { quality: 0.68, latencyMs: 1800, outputScale: 0.8 };
  if (tier === 'cloud_premium') return { quality: 0.88, latencyMs: 900, outputScale: 1.3 };
  return { quality: 0.8, latencyMs: 420, outputScale: 1 };
}

/** The demo month as collector input, oldest first. Pure: the same tiers, options and seed, the same rows. */
export function demoGenerations(tiers: readonly TierModel[], options: DemoOptions = {}): GenerationInput[] {
  const count = options.generations ?? DEFAULT_DEMO_GENERATIONS;
  const end = (options.now ?? new Date()).getTime();
  const random = seededRandom(options.seed ?? 20_260_101);
  const pick: Pick = (choices) => choices[Math.floor(random() * choices.length)]!;
  const between = (low: number, high: number) => low + random() * (high - low);
  if (tiers.length === 0) return [];

  let session = randomUUID();
  const rows: GenerationInput[] = [];
  for (let index = 0; index < count; index += 1) {
    if (index % 5 === 0) session = randomUUID();
    const { tier, model_name } = pick(tiers);
    const template = pick(TEMPLATES);
    const profile = profileOf(tier);
    // A handful of calls name a model no price knows: they show up as unpriced, never as $0.
    const model_used = tier !== 'local' && random() < 0.015 ? `${model_name}-preview` : model_name;
    const finish_reason: FinishReason = random() < 0.04 ? 'length' : random() < 0.01 ? 'error' : 'stop';
    const quality = Math.min(1, Math.max(0, profile.quality + between(-0.2, 0.15)));
    const validation_passed = quality >= 0.7 && finish_reason === 'stop';
    const tokens_input = Math.round(between(300, 4000));
    const tokens_output = Math.round(between(120, 1400) * profile.outputScale);
    const cached = tier !== 'local' && random() < 0.3 ? Math.round(tokens_input * between(0.2, 0.8)) : null;
    const complaint = quality < 0.72 && random() < 0.7 ? pick(template.complaints)(pick) : null;
    rows.push({
      session_id: session,
      node_type: template.node_type,
      service_name: template.service_name,
      method_name: template.method_name,
      tier,
      model_used,
      tokens_input,
      tokens_output,
      tokens_cached_input: cached,
      latency_ms: Math.round(profile.latencyMs * Math.exp(between(-0.6, 0.9)) * 10) / 10,
      syntax_valid: finish_reason === 'stop' && random() > 0.03,
      onex_compliant: quality > 0.65,
      has_type_hints: random() > (tier === 'local' ? 0.3 : 0.1),
      security_issues:
        random() < 0.03
          ? [{ type: 'sql_injection', message: `query built from ${pick(FIELDS)} without parameters` }]
          : [],
      finish_reason,
      created_at: new Date(end - DEMO_DAYS * DAY_MS + ((index + random()) / count) * DEMO_DAYS * DAY_MS),
      prompt_text: template.prompt(pick),
      generated_code: pick(template.code)(pick),
      quality_score: Math.round(quality * 1000) / 1000,
      validation_passed,
      user_accepted: complaint !== null ? false : random() < 0.2 ? null : quality >= 0.75,
      user_feedback: complaint,
      manual_edits_required: complaint !== null || quality < 0.75,
    });
  }
  return rows;
}
