import { describe, expect, test } from '@jest/globals';
import { newGeneration, newHistory, SEED_EXAMPLES, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

const {
  recordGeneration: RECORD_LLM_GENERATION,
  costByModel: QUERY_COST_BY_MODEL,
  highQualityPatterns: FIND_HIGH_QUALITY_PATTERNS,
} = SEED_EXAMPLES;

const DAY_MS = 24 * 60 * 60 * 1000;

describe("the seed's usage examples run verbatim", () => {
  let recorded: { id: string; correlation_id: string; cost_usd: string; created_at: Date };

  test('record an LLM generation', async () => {
    await db.dataSource.query(RECORD_LLM_GENERATION);
    const rows = await db.dataSource.query<(typeof recorded & Record<string, unknown>)[]>(
      `SELECT * FROM llm_generation_metrics`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      node_type: 'effect',
      service_name: 'PostgresService',
      method_name: 'create_connection',
      operation_type: 'method_implementation',
      tier: 'cloud_fast',
      model_used: 'glm-4.5',
      tokens_input: 1500,
      tokens_output: 800,
      tokens_total: 2300,
      latency_ms: 245.5,
      cost_usd: '0.000460000000',
      syntax_valid: true,
      onex_compliant: true,
      has_type_hints: true,
      security_issues: [],
      finish_reason: null,
      truncated: false,
    });
    recorded = rows[0]!;
  });

  test('query cost by model over the last 7 days', async () => {
    const now = Date.now();
    await newGeneration(db.dataSource, {
      tier: 'cloud_premium',
      model_used: 'glm-4.6',
      cost_usd: '0.00069',
      latency_ms: 300,
      created_at: new Date(now - DAY_MS),
    });
    await newGeneration(db.dataSource, {
      tier: 'cloud_premium',
      model_used: 'glm-4.6',
      cost_usd: '0.00031',
      latency_ms: 200,
      created_at: new Date(now - 2 * DAY_MS),
    });
    // Older than the window: left out.
    await newGeneration(db.dataSource, { cost_usd: '5', created_at: new Date(now - 8 * DAY_MS) });

    expect(await db.dataSource.query(QUERY_COST_BY_MODEL)).toEqual([
      {
        tier: 'cloud_premium',
        model_used: 'glm-4.6',
        generations: '2',
        total_cost: '0.001000000000',
        avg_latency: 250,
      },
      {
        tier: 'cloud_fast',
        model_used: 'glm-4.5',
        generations: '1',
        total_cost: '0.000460000000',
        avg_latency: 245.5,
      },
    ]);
  });

  test('find high-quality patterns', async () => {
    const { correlation_id } = recorded;
    await newHistory(db.dataSource, {
      correlation_id,
      quality_score: 0.92,
      method_name: 'create_connection',
    });
    await newHistory(db.dataSource, { correlation_id, quality_score: 0.85, method_name: 'close_connection' });
    await newHistory(db.dataSource, { correlation_id, quality_score: 0.84, method_name: 'below_threshold' });
    await newHistory(db.dataSource, { correlation_id, quality_score: 0.99, validation_passed: false });
    // High quality, but no metrics row shares its correlation_id: the join drops it.
    await newHistory(db.dataSource, { quality_score: 0.97 });

    expect(await db.dataSource.query(FIND_HIGH_QUALITY_PATTERNS)).toEqual([
      {
        node_type: 'effect',
        method_name: 'create_connection',
        quality_score: 0.92,
        model_used: 'glm-4.5',
        tokens_total: 2300,
      },
      {
        node_type: 'effect',
        method_name: 'close_connection',
        quality_score: 0.85,
        model_used: 'glm-4.5',
        tokens_total: 2300,
      },
    ]);
  });
});
