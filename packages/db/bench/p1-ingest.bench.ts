/**
 * P1 "ingest": how fast generations get into `llm_generation_metrics`.
 *
 * The same N generations (made once, deterministically) are written three ways into the same
 * migrated table with the same indexes, the table truncated before each run:
 *   - COPY: raw `COPY … FROM STDIN` of the finished rows, the physical limit (the baseline);
 *   - save(): TypeORM `repository.save()` one row at a time, the naive path (on a smaller sample);
 *   - collector: `LLMMetricsCollector.record()` for each, then `close()` (our figure).
 * Each measure runs BENCH_RUNS times (3), interleaved; the figures are medians.
 *
 * Environment: BENCH_ROWS (200,000), BENCH_SAVE_ROWS (5,000), BENCH_RUNS (3), DATABASE_URL.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { METRICS_COLUMNS } from '../src/batch-writes';
import { LLMMetricsCollector } from '../src/collector';
import { copyLine } from '../src/copy-text';
import { formatDecimal } from '../src/decimal';
import { LlmGenerationMetric } from '../src/entities';
import { seededRandom } from '../src/testing/seeded-random';
import type { FinishReason, GenerationInput } from '../src/generation';
import {
  type Measure,
  type Run,
  type ScratchDatabase,
  benchLine,
  formatTable,
  positiveIntegerParameter,
  runBenchmark,
  summarise,
  timed,
  withScratchDatabase,
} from './harness';

const ID = 'P1';
const SEED = 0x5eed_0001;
/** The instant the generated traffic ends; it spans the 30 days before. */
const END_OF_TRAFFIC_MS = Date.parse('2026-01-15T12:00:00.000Z');
const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;
const COPY_CHUNK_ROWS = 1_000;
const WARM_UP_ROWS = 2_000;

/**
 * A generation as the collector gets it, with every field given so that all three paths write
 * identical rows. Its `cost_usd` is a measured cost (`provided`) or null for a model without a
 * price version (`unpriced`): the collector then derives nothing that COPY would not write too.
 */
type Generation = GenerationInput & {
  readonly correlation_id: string;
  readonly session_id: string | null;
  readonly operation_type: string;
  readonly tokens_total: number;
  readonly tokens_cached_input: number | null;
  readonly tokens_cache_write: number | null;
  readonly tokens_reasoning: number | null;
  readonly cost_usd: string | null;
  readonly syntax_valid: boolean | null;
  readonly onex_compliant: boolean | null;
  readonly has_type_hints: boolean | null;
  readonly security_issues: readonly SecurityIssue[];
  readonly finish_reason: FinishReason | null;
  readonly truncated: boolean;
  readonly prompt_length: number;
  readonly response_length: number;
  readonly created_at: Date;
};

interface SecurityIssue {
  readonly type: string;
  readonly severity: 'low' | 'medium' | 'high';
  readonly line: number;
}

interface Dataset {
  readonly generations: readonly Generation[];
  /** Row ids for COPY (the collector makes its own, as it does for services). */
  readonly ids: readonly string[];
}

/** What a table holds after a run; every path must leave the same for the same rows. */
interface Fingerprint {
  readonly rows: number;
  readonly tokens: string;
  readonly unpriced: number;
  readonly cost: string;
}

async function main(): Promise<void> {
  const rows = positiveIntegerParameter('BENCH_ROWS', 200_000);
  const saveRows = Math.min(rows, positiveIntegerParameter('BENCH_SAVE_ROWS', 5_000));
  const runs = positiveIntegerParameter('BENCH_RUNS', 3);

  const made = Date.now();
  const dataset = makeDataset(rows);
  console.log(`P1 ingest: ${rows.toLocaleString('en-US')} generations made in ${Date.now() - made} ms`);

  await withScratchDatabase(ID, async (database) => {
    console.log(`server ${database.server}, PostgreSQL ${database.serverVersion}, database ${database.name}`);
    const copyClient = new Client({ connectionString: database.url });
    // A dropped connection (Ctrl-C drops the database) fails the running query; no crash besides.
    copyClient.on('error', () => undefined);
    await copyClient.connect();
    try {
      const paths = {
        copy: (count: number) => copyRows(copyClient, dataset, count),
        save: (count: number) => saveRowByRow(database, dataset, count),
        collector: (count: number) => collect(database, dataset, count),
      };
      // Warm-up: connections, prepared plans and the JIT, untimed.
      for (const key of ['copy', 'save', 'collector'] as const) {
        await reset(database);
        await paths[key](Math.min(rows, key === 'save' ? WARM_UP_ROWS / 10 : WARM_UP_ROWS));
      }
      const times: Record<keyof typeof paths, Run[]> = { copy: [], save: [], collector: [] };
      const sizes = { copy: rows, save: saveRows, collector: rows };
      for (let run = 1; run <= runs; run += 1) {
        for (const key of ['copy', 'save', 'collector'] as const) {
          await reset(database);
          times[key].push(await timed(sizes[key], () => paths[key](sizes[key])));
          await expectFingerprint(database, dataset, sizes[key], key);
        }
        console.log(
          `run ${run}/${runs}: ` +
            (['copy', 'save', 'collector'] as const)
              .map((key) => `${key} ${times[key].at(-1)!.seconds.toFixed(2)} s`)
              .join(', '),
        );
      }
      await reset(database);
      report([
        summarise('COPY', times.copy),
        summarise('save()', times.save),
        summarise('collector', times.collector),
      ]);
    } finally {
      await copyClient.end();
    }
  });
}

function report([copy, save, collector]: readonly Measure[]): void {
  console.log(`\n${formatTable([copy!, save!, collector!], 'COPY')}`);
  console.log('COPY: raw COPY … FROM STDIN of the same rows (baseline, the physical limit)');
  console.log(
    'save(): TypeORM repository.save() per row, on the first rows; collector: record() each, then close()\n',
  );
  const ratio = collector!.rowsPerSecond / copy!.rowsPerSecond;
  const vsSave = collector!.rowsPerSecond / save!.rowsPerSecond;
  console.log(
    `collector ÷ COPY = ${ratio.toFixed(3)} (goal ≥ 0.6); collector ÷ save() = ${vsSave.toFixed(1)} (goal ≥ 5)`,
  );
  console.log(benchLine(ID, ratio, { vs_save: vsSave, rows_per_s: collector!.rowsPerSecond }));
}

/** Empties the tables (new files, empty indexes) and checkpoints, so each run starts alike. */
async function reset({ dataSource }: ScratchDatabase): Promise<void> {
  await dataSource.query('TRUNCATE llm_generation_metrics, llm_generation_history');
  // Writes the previous run's dirty pages now rather than during the next run; needs a superuser
  // or pg_checkpoint, so it is skipped where not allowed.
  await dataSource.query('CHECKPOINT').catch(() => undefined);
}

/** COPY of the first `count` rows in text format, serialised while streaming. */
async function copyRows(client: Client, { generations, ids }: Dataset, count: number): Promise<void> {
  function* chunks(): Generator<string> {
    for (let start = 0; start < count; start += COPY_CHUNK_ROWS) {
      let chunk = '';
      for (let i = start; i < Math.min(count, start + COPY_CHUNK_ROWS); i += 1) {
        chunk += generationLine(ids[i]!, generations[i]!);
      }
      yield chunk;
    }
  }
  const copy = client.query(copyFrom(`COPY llm_generation_metrics (${METRICS_COLUMNS}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), copy);
  if (copy.rowCount !== count) throw new Error(`COPY wrote ${copy.rowCount} rows, not ${count}`);
}

/** One COPY text line of a generation, in the order of the collector's METRICS_COLUMNS. */
function generationLine(id: string, g: Generation): string {
  return copyLine([
    id,
    g.correlation_id,
    g.session_id,
    g.node_type,
    g.service_name,
    g.method_name,
    g.operation_type,
    g.tier,
    g.model_used,
    g.tokens_input,
    g.tokens_output,
    g.tokens_total,
    g.tokens_cached_input,
    g.tokens_cache_write,
    g.tokens_reasoning,
    g.latency_ms,
    g.cost_usd,
    g.cost_usd === null ? 'unpriced' : 'provided',
    null,
    g.syntax_valid,
    g.onex_compliant,
    g.has_type_hints,
    JSON.stringify(g.security_issues),
    g.finish_reason,
    g.truncated,
    g.prompt_length,
    g.response_length,
    g.created_at.toISOString(),
  ]);
}

/** The naive path: one `repository.save()` (its own INSERT … RETURNING and transaction) per row. */
async function saveRowByRow({ dataSource }: ScratchDatabase, { generations }: Dataset, count: number) {
  const repository = dataSource.getRepository(LlmGenerationMetric);
  for (let i = 0; i < count; i += 1) {
    const g = generations[i]!;
    await repository.save(
      repository.create({
        ...g,
        security_issues: [...g.security_issues],
        cost_status: g.cost_usd === null ? 'unpriced' : 'provided',
        price_version_id: null,
      }),
    );
  }
}

/** Our path: `record()` each generation as a service would, then `close()` writes the rest. */
async function collect({ dataSource }: ScratchDatabase, { generations }: Dataset, count: number) {
  const collector = await LLMMetricsCollector.create(dataSource);
  for (let i = 0; i < count; i += 1) await collector.record(generations[i]!);
  await collector.close();
  const stats = collector.stats();
  if (stats.written !== count || stats.rejected !== 0 || stats.buffered !== 0) {
    throw new Error(`collector wrote ${stats.written} of ${count} rows: ${JSON.stringify(stats)}`);
  }
}

/** Fails the benchmark unless the table holds exactly the first `count` generations. */
async function expectFingerprint(
  { dataSource }: ScratchDatabase,
  { generations }: Dataset,
  count: number,
  path: string,
): Promise<void> {
  const [actual] = await dataSource.query<[Fingerprint]>(`
    SELECT count(*)::int AS rows, coalesce(sum(tokens_total), 0)::text AS tokens,
           (count(*) FILTER (WHERE cost_status = 'unpriced' AND cost_usd IS NULL))::int AS unpriced,
           coalesce(sum(cost_usd), 0)::numeric(30, 12)::text AS cost
    FROM llm_generation_metrics`);
  let tokens = 0;
  let unpriced = 0;
  let picoDollars = 0n;
  for (const g of generations.slice(0, count)) {
    tokens += g.tokens_total;
    if (g.cost_usd === null) unpriced += 1;
    else picoDollars += BigInt(g.cost_usd.replace('.', ''));
  }
  const expected: Fingerprint = {
    rows: count,
    tokens: String(tokens),
    unpriced,
    cost: formatDecimal(picoDollars, 12),
  };
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${path} left ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The generated traffic

/** A model of a seed tier; `picoPerToken` null: no price version exists for it (unpriced). */
interface Model {
  readonly tier: string;
  readonly model: string;
  readonly picoPerToken: bigint | null;
  readonly msPerOutputToken: number;
  readonly weight: number;
}

/** The seed's three tiers ($0.20, $0.30 and $0.00 per 1M tokens), and two models not priced yet. */
const MODELS: readonly Model[] = [
  { tier: 'cloud_fast', model: 'glm-4.5', picoPerToken: 200_000n, msPerOutputToken: 8, weight: 46 },
  { tier: 'cloud_premium', model: 'glm-4.6', picoPerToken: 300_000n, msPerOutputToken: 14, weight: 22 },
  { tier: 'local', model: 'ollama/codellama:7b', picoPerToken: 0n, msPerOutputToken: 30, weight: 20 },
  { tier: 'cloud_fast', model: 'glm-4.5-air', picoPerToken: null, msPerOutputToken: 6, weight: 7 },
  { tier: 'local', model: 'ollama/qwen2.5-coder:7b', picoPerToken: null, msPerOutputToken: 28, weight: 5 },
];
const NODE_TYPES = [
  ['effect', 40],
  ['compute', 30],
  ['reducer', 18],
  ['orchestrator', 12],
] as const;
const OPERATION_TYPES = [
  ['method_implementation', 80],
  ['class_generation', 8],
  ['test_generation', 7],
  ['refactoring', 5],
] as const;
const FINISH = [
  ['stop', 900],
  ['length', 55],
  ['error', 20],
  ['tool_calls', 15],
  [null, 10],
] as const;
const SERVICE_DOMAINS = [
  'Postgres',
  'Kafka',
  'Redis',
  'Billing',
  'User',
  'Order',
  'Payment',
  'Inventory',
  'Auth',
  'Notification',
  'Search',
  'Metrics',
];
const SERVICE_KINDS = ['Service', 'Adapter', 'Repository', 'Client', 'Handler'];
const VERBS = [
  'create',
  'get',
  'update',
  'delete',
  'list',
  'validate',
  'process',
  'sync',
  'handle',
  'compute',
];
const NOUNS = [
  'connection',
  'record',
  'batch',
  'event',
  'user',
  'invoice',
  'report',
  'token',
  'cache',
  'message',
];
const ISSUES = ['sql_injection', 'hardcoded_secret', 'path_traversal', 'unsafe_deserialization', 'weak_hash'];
const SESSIONS = 2_000;

/** N generations of realistic traffic, the same for the same N on every machine. */
function makeDataset(count: number): Dataset {
  const random = seededRandom(SEED);
  const chance = (p: number): boolean => random() < p;
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    let left = random() * items.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [item, weight] of items) if ((left -= weight) < 0) return item;
    return items[items.length - 1]![0];
  };
  const flag = (): boolean | null => (chance(0.04) ? null : chance(0.9));
  const uuid = (): string => uuidFrom(random);
  const sessions = Array.from({ length: SESSIONS }, uuid);
  const models = MODELS.map((model) => [model, model.weight] as const);

  const generations: Generation[] = [];
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const model = weighted(models);
    // Token counts are skewed like real prompts: many small, a long tail of large ones.
    const tokensInput = Math.round(150 + 11_850 * random() ** 2.2);
    const tokensOutput = Math.round(40 + 3_960 * random() ** 2.5);
    const cloud = model.tier !== 'local';
    const cachedInput = cloud && chance(0.3) ? Math.floor(tokensInput * 0.8 * random()) : null;
    const cacheWrite =
      cloud && chance(0.1) ? Math.floor((tokensInput - (cachedInput ?? 0)) * random()) : null;
    const reasoning =
      model.tier === 'cloud_premium' && chance(0.5) ? Math.floor(tokensOutput * 0.6 * random()) : null;
    const finishReason = weighted(FINISH);
    const picoDollars =
      model.picoPerToken === null ? null : BigInt(tokensInput + tokensOutput) * model.picoPerToken;
    const issues: SecurityIssue[] = chance(0.05)
      ? [{ type: pick(ISSUES), severity: pick(['low', 'medium', 'high'] as const), line: between(1, 200) }]
      : [];
    ids.push(uuid());
    generations.push({
      correlation_id: uuid(),
      session_id: chance(0.7) ? pick(sessions) : null,
      node_type: weighted(NODE_TYPES),
      service_name: pick(SERVICE_DOMAINS) + pick(SERVICE_KINDS),
      method_name: `${pick(VERBS)}_${pick(NOUNS)}`,
      operation_type: weighted(OPERATION_TYPES),
      tier: model.tier,
      model_used: model.model,
      tokens_input: tokensInput,
      tokens_output: tokensOutput,
      tokens_total: tokensInput + tokensOutput,
      tokens_cached_input: cachedInput,
      tokens_cache_write: cacheWrite,
      tokens_reasoning: reasoning,
      latency_ms: Math.round((120 + tokensOutput * model.msPerOutputToken * (0.6 + random())) * 10) / 10,
      cost_usd: picoDollars === null ? null : formatDecimal(picoDollars, 12),
      syntax_valid: flag(),
      onex_compliant: flag(),
      has_type_hints: flag(),
      security_issues: issues,
      finish_reason: finishReason,
      truncated: finishReason === 'length',
      prompt_length: Math.round(tokensInput * (3.2 + random())),
      response_length: Math.round(tokensOutput * (3 + random())),
      created_at: new Date(END_OF_TRAFFIC_MS - Math.floor(random() * THIRTY_DAYS_MS)),
    });
  }
  return { generations, ids };
}

/** A version 4 UUID drawn from `random`. */
function uuidFrom(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 4; i += 1)
    hex += Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Last, so that every constant above is initialised when it runs.
runBenchmark(ID, main);
