/**
 * Writes the seeded generator's history (`mining/history-generator.ts`) into a database, with the
 * metrics row each generation has, for the job's tests and benchmarks. Deterministic: the same seed,
 * offset and count give the same rows, ids included. Not part of the job itself.
 */
import type { DataSource } from 'typeorm';
import { type GeneratedHistoryRow, generateHistory, mulberry32 } from '../mining/history-generator';

export interface SeedHistoryOptions {
  readonly seed: number;
  readonly rows: number;
  /** Index of the first row: seeding 0..n then n..m gives the rows of one seeding of 0..m. */
  readonly offset?: number;
  /** `created_at` of row 0; row i is i minutes later (or `createdAt(i)`). */
  readonly start?: Date;
  readonly createdAt?: (index: number) => Date;
  /** Rows per INSERT statement (each its own transaction). */
  readonly chunk?: number;
}

const TIERS = [
  ['cloud_fast', 'glm-4.5'],
  ['cloud_premium', 'glm-4.6'],
  ['local', 'ollama/codellama:7b'],
] as const;

const DEFAULT_START = new Date('2026-01-01T00:00:00.000Z');

/** A UUID made from the seed and the row index, so ids are stable across seedings. */
export function historyId(seed: number, index: number): string {
  const hex = `${seed.toString(16).padStart(8, '0')}${index.toString(16).padStart(16, '0')}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 24)}00000000`;
}

/** The history id with another tail: unique per (seed, index) too, so every row joins its own metrics row. */
function correlationId(seed: number, index: number): string {
  return historyId(seed, index).replace(/0{8}$/, 'c0ffee00');
}

/**
 * What the generator leaves open, decided per row from its own PRNG: the quality score (clean rows
 * score higher), whether the user accepted the code, the tier and model, tokens.
 */
function extras(seed: number, index: number, row: GeneratedHistoryRow) {
  const random = mulberry32((seed * 1_000_003 + index) >>> 0);
  const failed = row.truth.errorFamily !== null;
  // Some templates work better than others: a bias per template, so thresholds have something to cut.
  const bias =
    ([...row.truth.templateId].reduce((sum, char) => sum + char.charCodeAt(0), 0) % 5) * 0.05 - 0.05;
  const raw = (failed ? 0.3 + random() * 0.4 : 0.75 + random() * 0.25) + bias;
  const quality = Math.round(Math.min(1, Math.max(0, raw)) * 1000) / 1000;
  const accepted = !failed && random() < 0.8;
  const [tier, model] = TIERS[Math.floor(random() * TIERS.length)] as (typeof TIERS)[number];
  return {
    quality,
    accepted,
    manualEdits: accepted ? false : null,
    tier,
    model,
    tokensInput: 200 + Math.floor(random() * 2000),
    tokensOutput: 50 + Math.floor(random() * 1500),
  };
}

/** Inserts `rows` generated rows (history and metrics) starting at `offset`; returns their ids. */
export async function seedHistory(dataSource: DataSource, options: SeedHistoryOptions): Promise<string[]> {
  const { seed, rows, offset = 0, start = DEFAULT_START, chunk = 2_000 } = options;
  const createdAt = options.createdAt ?? ((index: number) => new Date(start.getTime() + index * 60_000));
  const generated = generateHistory({ seed, rows: offset + rows }).slice(offset);
  const ids: string[] = [];
  for (let from = 0; from < generated.length; from += chunk) {
    const part = generated.slice(from, from + chunk).map((row, at) => {
      const index = offset + from + at;
      return { row, index, extra: extras(seed, index, row), createdAt: createdAt(index) };
    });
    ids.push(...part.map(({ index }) => historyId(seed, index)));
    await dataSource.transaction(async (manager) => {
      await manager.query(INSERT_HISTORY_SQL, [
        part.map(({ index }) => historyId(seed, index)),
        part.map(({ index }) => correlationId(seed, index)),
        part.map(({ row }) => row.node_type),
        part.map(({ row }) => row.method_name),
        part.map(({ row }) => row.prompt_text),
        part.map(({ row }) => row.generated_code),
        part.map(({ extra }) => extra.quality),
        part.map(({ row }) => row.validation_passed),
        part.map(({ extra }) => extra.accepted),
        part.map(({ row }) => row.user_feedback),
        part.map(({ extra }) => extra.manualEdits),
        part.map(({ createdAt: at }) => at),
      ]);
      await manager.query(INSERT_METRICS_SQL, [
        part.map(({ index }) => correlationId(seed, index)),
        part.map(({ row }) => row.node_type),
        part.map(({ row }) => row.method_name),
        part.map(({ extra }) => extra.tier),
        part.map(({ extra }) => extra.model),
        part.map(({ extra }) => extra.tokensInput),
        part.map(({ extra }) => extra.tokensOutput),
        part.map(({ row }) => row.syntax_valid),
        part.map(({ row }) => JSON.stringify(row.security_issues)),
        part.map(({ row }) => row.finish_reason),
        part.map(({ row }) => row.truncated),
        part.map(({ createdAt: at }) => at),
      ]);
    });
  }
  return ids;
}

const INSERT_HISTORY_SQL = `
  INSERT INTO llm_generation_history (id, correlation_id, node_type, method_name, prompt_text,
    generated_code, quality_score, validation_passed, user_accepted, user_feedback,
    manual_edits_required, created_at)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
    $7::double precision[], $8::boolean[], $9::boolean[], $10::text[], $11::boolean[], $12::timestamptz[])
`;

const INSERT_METRICS_SQL = `
  INSERT INTO llm_generation_metrics (correlation_id, node_type, service_name, method_name, tier,
    model_used, tokens_input, tokens_output, tokens_total, latency_ms, cost_status, syntax_valid,
    security_issues, finish_reason, truncated, created_at)
  SELECT c, n, 'GeneratedService', mn, t, m, ti, tout, ti + tout, 100, 'unpriced', sv, si::jsonb, fr, tr, ca
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::integer[],
    $8::boolean[], $9::text[], $10::text[], $11::boolean[], $12::timestamptz[])
    AS u(c, n, mn, t, m, ti, tout, sv, si, fr, tr, ca)
`;
