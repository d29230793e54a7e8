import { describe, expect, test } from '@jest/globals';
import { CreateLlmMetricsTables1761868800000 } from '../src/migrations';
import { readCatalog } from './catalog';
import { useDatabaseMigratedTo } from './migrated-database';

const db = useDatabaseMigratedTo(CreateLlmMetricsTables1761868800000);

const UUID_PK = { type: 'uuid', nullable: false, default: 'gen_random_uuid()' };
const CREATED_AT = { type: 'timestamp with time zone', nullable: false, default: 'now()' };
const varchar = (length: number, nullable = false, fallback: string | null = null) => ({
  type: `character varying(${length})`,
  nullable,
  default: fallback === null ? null : `'${fallback}'::character varying`,
});
const plain = (type: string, nullable = false, fallback: string | null = null) => ({
  type,
  nullable,
  default: fallback,
});

/** Migration 010 of the seed, column by column: type, nullability and default. */
const SEED_COLUMNS: Record<
  string,
  Record<string, { type: string; nullable: boolean; default: string | null }>
> = {
  llm_generation_metrics: {
    id: UUID_PK,
    correlation_id: plain('uuid'),
    session_id: plain('uuid', true),
    node_type: varchar(50),
    service_name: varchar(255),
    method_name: varchar(255),
    operation_type: varchar(100, false, 'method_implementation'),
    tier: varchar(50),
    model_used: varchar(255),
    tokens_input: plain('integer'),
    tokens_output: plain('integer'),
    tokens_total: plain('integer'),
    latency_ms: plain('double precision'),
    cost_usd: plain('numeric(20,12)', true),
    syntax_valid: plain('boolean', true),
    onex_compliant: plain('boolean', true),
    has_type_hints: plain('boolean', true),
    security_issues: plain('jsonb', false, `'[]'::jsonb`),
    finish_reason: varchar(50, true),
    truncated: plain('boolean', false, 'false'),
    prompt_length: plain('integer', true),
    response_length: plain('integer', true),
    created_at: CREATED_AT,
  },
  llm_context_windows: {
    id: UUID_PK,
    tier: varchar(50),
    model_name: varchar(255),
    max_tokens: plain('integer'),
    cost_per_1m_input_usd: plain('numeric(20,10)'),
    cost_per_1m_output_usd: plain('numeric(20,10)'),
    supports_streaming: plain('boolean', false, 'true'),
    is_active: plain('boolean', false, 'true'),
    updated_at: CREATED_AT,
  },
  llm_generation_history: {
    id: UUID_PK,
    correlation_id: plain('uuid'),
    node_type: varchar(50),
    method_name: varchar(255),
    prompt_text: plain('text'),
    generated_code: plain('text'),
    quality_score: plain('double precision'),
    validation_passed: plain('boolean'),
    user_accepted: plain('boolean', true),
    user_feedback: plain('text', true),
    manual_edits_required: plain('boolean', true),
    created_at: CREATED_AT,
  },
  llm_patterns: {
    id: UUID_PK,
    pattern_type: varchar(50),
    node_type: varchar(50, true),
    pattern_data: plain('jsonb'),
    usage_count: plain('integer', false, '0'),
    avg_quality_score: plain('double precision', true),
    created_at: CREATED_AT,
    last_used_at: plain('timestamp with time zone', true),
  },
};

/** The seed's 20 indexes, counting primary keys and the UNIQUE on tier, as PostgreSQL prints them. */
const SEED_INDEXES = [
  ['llm_context_windows', 'idx_llm_context_windows_active', '(is_active)'],
  ['llm_context_windows', 'llm_context_windows_pkey', '(id)', 'UNIQUE '],
  ['llm_context_windows', 'llm_context_windows_tier_key', '(tier)', 'UNIQUE '],
  ['llm_generation_history', 'idx_llm_history_correlation', '(correlation_id)'],
  ['llm_generation_history', 'idx_llm_history_node_type', '(node_type)'],
  ['llm_generation_history', 'idx_llm_history_quality', '(quality_score DESC)'],
  ['llm_generation_history', 'idx_llm_history_validation_quality', '(validation_passed, quality_score DESC)'],
  ['llm_generation_history', 'llm_generation_history_pkey', '(id)', 'UNIQUE '],
  ['llm_generation_metrics', 'idx_llm_metrics_correlation', '(correlation_id)'],
  ['llm_generation_metrics', 'idx_llm_metrics_created', '(created_at DESC)'],
  ['llm_generation_metrics', 'idx_llm_metrics_model', '(model_used)'],
  ['llm_generation_metrics', 'idx_llm_metrics_node_type', '(node_type)'],
  ['llm_generation_metrics', 'idx_llm_metrics_session', '(session_id)'],
  ['llm_generation_metrics', 'idx_llm_metrics_tier_model', '(tier, model_used)'],
  ['llm_generation_metrics', 'llm_generation_metrics_pkey', '(id)', 'UNIQUE '],
  ['llm_patterns', 'idx_llm_patterns_node_type', '(node_type)'],
  ['llm_patterns', 'idx_llm_patterns_quality', '(avg_quality_score DESC)'],
  ['llm_patterns', 'idx_llm_patterns_type', '(pattern_type)'],
  ['llm_patterns', 'idx_llm_patterns_usage', '(usage_count DESC)'],
  ['llm_patterns', 'llm_patterns_pkey', '(id)', 'UNIQUE '],
].map(([table, name, key, unique = '']) => ({
  table,
  name,
  definition: `CREATE ${unique}INDEX ${name} ON public.${table} USING btree ${key}`,
}));

const SEED_CHECKS: Record<string, string[]> = {
  llm_context_windows: [
    'chk_llm_context_windows_cost_input',
    'chk_llm_context_windows_cost_output',
    'chk_llm_context_windows_max_tokens',
  ],
  llm_generation_history: ['chk_llm_history_quality_score'],
  llm_generation_metrics: [
    'chk_llm_metrics_cost',
    'chk_llm_metrics_latency',
    'chk_llm_metrics_prompt_length',
    'chk_llm_metrics_response_length',
    'chk_llm_metrics_security_issues',
    'chk_llm_metrics_tokens_input',
    'chk_llm_metrics_tokens_output',
    'chk_llm_metrics_tokens_total',
  ],
  llm_patterns: ['chk_llm_patterns_avg_quality', 'chk_llm_patterns_type', 'chk_llm_patterns_usage_count'],
};

describe('the catalog after migration 1 equals the seed', () => {
  test('the four tables, each with a comment', async () => {
    const { tables } = await readCatalog(db.dataSource);
    expect(tables.map((row) => row.table)).toEqual([
      'llm_context_windows',
      'llm_generation_history',
      'llm_generation_metrics',
      'llm_patterns',
    ]);
    for (const row of tables) expect(row.comment).toMatch(/\w{3,}/);
  });

  test.each(Object.keys(SEED_COLUMNS))(
    '%s: every column with its type, nullability and default',
    async (table) => {
      const { columns } = await readCatalog(db.dataSource);
      const actual = Object.fromEntries(
        columns
          .filter((row) => row.table === table)
          .map((row) => [row.column, { type: row.type, nullable: row.nullable, default: row.default }]),
      );
      expect(actual).toEqual(SEED_COLUMNS[table]);
    },
  );

  test('every column has a comment', async () => {
    const { columns } = await readCatalog(db.dataSource);
    expect(columns.filter((row) => !/\w{3,}/.test(row.comment ?? '')).map((row) => row.column)).toEqual([]);
    expect(columns).toHaveLength(52);
  });

  test('exactly the 20 indexes of the seed, by name and definition', async () => {
    const { indexes } = await readCatalog(db.dataSource);
    expect(indexes).toEqual(SEED_INDEXES);
    expect(indexes).toHaveLength(20);
  });

  test('the CHECK constraints, the primary keys and the UNIQUE on tier', async () => {
    const { constraints } = await readCatalog(db.dataSource);
    const names = (kind: string) => constraints.filter((row) => row.kind === kind).map((row) => row.name);
    expect(names('c')).toEqual(Object.values(SEED_CHECKS).flat());
    expect(names('p')).toEqual([
      'llm_context_windows_pkey',
      'llm_generation_history_pkey',
      'llm_generation_metrics_pkey',
      'llm_patterns_pkey',
    ]);
    expect(names('u')).toEqual(['llm_context_windows_tier_key']);
    expect(names('f')).toEqual([]);
  });

  test('nothing else: no sequence, view, function or type', async () => {
    const { objects } = await readCatalog(db.dataSource);
    expect(objects).toEqual([]);
  });

  test('the three seed tiers with their models, windows and prices', async () => {
    const tiers = await db.dataSource.query<Record<string, unknown>[]>(`
      SELECT tier, model_name, max_tokens, cost_per_1m_input_usd::text AS input, cost_per_1m_output_usd::text AS output,
             supports_streaming, is_active
      FROM llm_context_windows ORDER BY tier`);
    expect(tiers).toEqual([
      {
        tier: 'cloud_fast',
        model_name: 'glm-4.5',
        max_tokens: 128000,
        input: '0.2000000000',
        output: '0.2000000000',
        supports_streaming: true,
        is_active: true,
      },
      {
        tier: 'cloud_premium',
        model_name: 'glm-4.6',
        max_tokens: 128000,
        input: '0.3000000000',
        output: '0.3000000000',
        supports_streaming: true,
        is_active: true,
      },
      {
        tier: 'local',
        model_name: 'ollama/codellama:7b',
        max_tokens: 16384,
        input: '0.0000000000',
        output: '0.0000000000',
        supports_streaming: true,
        is_active: true,
      },
    ]);
  });

  test('money keeps at least 10 decimal places: one token of a $0.01/1M model is representable', async () => {
    const [{ cost }] = await db.dataSource.query<[{ cost: string }]>(
      `INSERT INTO llm_generation_metrics
         (correlation_id, node_type, service_name, method_name, tier, model_used,
          tokens_input, tokens_output, tokens_total, latency_ms, cost_usd)
       VALUES (gen_random_uuid(), 'effect', 'S', 'm', 'cheap', 'cheap-model', 1, 0, 1, 1, 0.01 / 1000000)
       RETURNING cost_usd::text AS cost`,
    );
    expect(cost).toBe('0.000000010000');
  });
});
