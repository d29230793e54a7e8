/**
 * P2 "reports": the seed's "cost by model, last 7 days" at scale.
 *
 * N metrics rows spread over the 90 days before now are generated IN the database (generate_series),
 * the rollups are built from scratch (timed: "full rebuild"), 1% more rows arrive (most of them
 * recent, a tenth late with an old created_at) and an incremental refresh folds them (timed), a few
 * more rows arrive that stay above the watermark (the tail every real report sees), then:
 *   - raw: the seed's GROUP BY on llm_generation_metrics (the baseline), with its NOW() bound to
 *     the same instant as the rollup path's range;
 *   - rollup: getCostReport() grouped by tier and model (buckets + tail + partial hours).
 * Both run BENCH_P2_RUNS times (20), interleaved, after a warm-up; the numbers of both must agree
 * (generations and total cost exactly; the mean latency to 1e-9, the seed's AVG being a float sum).
 *
 * Environment: BENCH_P2_ROWS (10,000,000), BENCH_P2_RUNS (20), DATABASE_URL.
 */
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { type CostReportRow, getCostReport } from '../src/reports';
import { getRollupWatermark, rebuildRollups, refreshRollups } from '../src/rollups';
import { SEED_EXAMPLES } from '../src/testing/seed-examples';
import {
  benchLine,
  median,
  positiveIntegerParameter,
  runBenchmark,
  significant,
  withScratchDatabase,
} from './harness';

const ID = 'P2';
const DAY_MS = 24 * 3600 * 1000;
const FILL_CHUNK_ROWS = 1_000_000;

/** Generates `rows` metrics rows created within `spanDays` before `$2`, `lateShare` of them anywhere in 90 days. */
const FILL_SQL = `
  INSERT INTO llm_generation_metrics (correlation_id, node_type, service_name, method_name, tier, model_used,
    tokens_input, tokens_output, tokens_total, latency_ms, cost_usd, cost_status, syntax_valid, onex_compliant,
    has_type_hints, truncated, created_at)
  SELECT gen_random_uuid(), (ARRAY['effect', 'compute', 'reducer', 'orchestrator'])[1 + i % 4],
         (ARRAY['PostgresService', 'KafkaService', 'RedisService', 'HttpService', 'S3Service'])[1 + (i / 4) % 5],
         'generate', (ARRAY['local', 'cloud_fast', 'cloud_premium'])[1 + tier_index],
         (ARRAY['llama-3', 'glm-4.5', 'claude', 'qwen', 'gpt', 'mistral'])[1 + tier_index * 2 + (i / 20) % 2],
         tokens_input, tokens_output, tokens_input + tokens_output, latency_ms,
         CASE WHEN unpriced THEN NULL ELSE round((tokens_input * 0.0000011 + tokens_output * 0.0000023)::numeric, 12) END,
         CASE WHEN unpriced THEN 'unpriced' ELSE 'provided' END,
         random() < 0.9, random() < 0.8, random() < 0.7, random() < 0.05,
         $2::timestamptz - (CASE WHEN random() < $4::double precision THEN 90 ELSE $3::double precision END) * random() * interval '1 day'
  FROM (
    SELECT i, floor(random() * 3)::integer AS tier_index, floor(random() * 4000)::integer AS tokens_input,
           floor(random() * 1500)::integer AS tokens_output, exp(random() * 8) AS latency_ms,
           random() < 0.05 AS unpriced
    FROM generate_series(1, $1::integer) AS i
  ) generated`;

/** The seed's "Query Cost by Model", NOW() bound to the instant the rollup path uses. */
const SEED_COST_BY_MODEL = SEED_EXAMPLES.costByModel.replace('NOW()', '$1::timestamptz').replace(/;$/, '');

interface SeedRow {
  tier: string;
  model_used: string;
  generations: string;
  total_cost: string | null;
  avg_latency: number;
}

async function fill(dataSource: DataSource, rows: number, now: Date, spanDays: number, lateShare: number) {
  for (let done = 0; done < rows; done += FILL_CHUNK_ROWS) {
    await dataSource.query(FILL_SQL, [Math.min(FILL_CHUNK_ROWS, rows - done), now, spanDays, lateShare]);
  }
}

/** Refreshes until every committed row is folded (another session's open transaction may lag it). */
async function refreshAll(dataSource: DataSource): Promise<void> {
  for (;;) {
    await refreshRollups(dataSource);
    const watermark = await getRollupWatermark(dataSource);
    const [{ above }] = await dataSource.query<[{ above: boolean }]>(
      `SELECT EXISTS (SELECT 1 FROM llm_generation_metrics WHERE (insert_xid, id) > ($1, $2)) AS above`,
      [watermark.insertXid, watermark.id],
    );
    if (!above) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}

const normalize = (decimal: string | null) =>
  decimal === null ? '0' : decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;

function assertSameNumbers(raw: readonly SeedRow[], rollup: readonly CostReportRow[]): void {
  const key = (tier: string | null, model: string | null) => `${tier}|${model}`;
  const byGroup = new Map(rollup.map((row) => [key(row.tier, row.model_used), row]));
  if (raw.length !== rollup.length) throw new Error(`raw has ${raw.length} groups, rollup ${rollup.length}`);
  for (const row of raw) {
    const other = byGroup.get(key(row.tier, row.model_used));
    const same =
      other !== undefined &&
      Number(row.generations) === other.generations &&
      normalize(row.total_cost) === normalize(other.total_cost) &&
      Math.abs(row.avg_latency - other.avg_latency) <= 1e-9 * Math.abs(row.avg_latency);
    if (!same)
      throw new Error(`numbers differ for ${key(row.tier, row.model_used)}: ${JSON.stringify([row, other])}`);
  }
}

async function main(): Promise<void> {
  const rows = positiveIntegerParameter('BENCH_P2_ROWS', 10_000_000);
  const runs = positiveIntegerParameter('BENCH_P2_RUNS', 20);
  await withScratchDatabase(ID, async ({ dataSource, server, serverVersion }) => {
    console.log(
      `P2 reports: ${rows.toLocaleString('en-US')} rows over 90 days, ${runs} runs; PostgreSQL ${serverVersion} at ${server}`,
    );
    const now = new Date();
    const fillSeconds = await seconds(() => fill(dataSource, rows, now, 90, 0));
    await dataSource.query(`VACUUM ANALYZE llm_generation_metrics`);

    const fullSeconds = await seconds(() => rebuildRollups(dataSource));
    const newRows = Math.max(1, Math.round(rows / 100));
    await fill(dataSource, newRows, now, 1 / 24, 0.1);
    const refreshSeconds = await seconds(() => refreshAll(dataSource));
    await fill(dataSource, Math.max(1, Math.round(rows / 10_000)), now, 1 / 24, 0);
    await dataSource.query(
      `VACUUM ANALYZE llm_generation_metrics, llm_metrics_hourly, llm_metrics_hourly_latency`,
    );

    const range = { from: new Date(now.getTime() - 7 * DAY_MS), to: new Date(now.getTime() + DAY_MS) };
    const raw = () => dataSource.query<SeedRow[]>(SEED_COST_BY_MODEL, [now]);
    const rollup = () => getCostReport(dataSource, { ...range, groupBy: ['tier', 'model_used'] });
    assertSameNumbers(await raw(), await rollup());

    const rawMs: number[] = [];
    const rollupMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      rawMs.push((await seconds(raw)) * 1000);
      rollupMs.push((await seconds(rollup)) * 1000);
    }
    assertSameNumbers(await raw(), await rollup());

    const ratio = median(rawMs) / median(rollupMs);
    const lines: [string, string][] = [
      ['fill (generate_series)', `${fillSeconds.toFixed(1)} s`],
      ['full rebuild of the rollups', `${fullSeconds.toFixed(2)} s`],
      [`refresh after 1% new rows (${newRows.toLocaleString('en-US')})`, `${refreshSeconds.toFixed(3)} s`],
      [
        'raw GROUP BY, 7 days: median / p95',
        `${significant(median(rawMs))} / ${significant(percentile(rawMs, 0.95))} ms`,
      ],
      [
        'rollup path, 7 days: median / p95',
        `${significant(median(rollupMs))} / ${significant(percentile(rollupMs, 0.95))} ms`,
      ],
      ['raw ÷ rollup (medians)', significant(ratio)],
      ['refresh 1% ÷ full rebuild', significant(refreshSeconds / fullSeconds)],
    ];
    const width = Math.max(...lines.map(([label]) => label.length));
    for (const [label, value] of lines) console.log(`${label.padEnd(width)}  ${value}`);
    console.log('numbers: identical (generations, total cost; mean latency to 1e-9)');
    console.log(
      benchLine(ID, ratio, {
        rows,
        rollup_p95_ms: percentile(rollupMs, 0.95),
        refresh_1pct_vs_full: refreshSeconds / fullSeconds,
      }),
    );
  });
}

runBenchmark(ID, main);
