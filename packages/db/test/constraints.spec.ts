import { describe, expect, test } from '@jest/globals';
import { newContextWindow, newGeneration, newHistory, newPattern, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

type Insert = () => Promise<unknown>;

const violations: [constraint: string, insert: Insert][] = [
  ['chk_llm_metrics_tokens_input', () => newGeneration(db.dataSource, { tokens_input: -1 })],
  ['chk_llm_metrics_tokens_output', () => newGeneration(db.dataSource, { tokens_output: -1 })],
  ['chk_llm_metrics_tokens_total', () => newGeneration(db.dataSource, { tokens_total: -1 })],
  ['chk_llm_metrics_latency', () => newGeneration(db.dataSource, { latency_ms: -0.5 })],
  ['chk_llm_metrics_cost', () => newGeneration(db.dataSource, { cost_usd: '-0.000000000001' })],
  ['chk_llm_metrics_prompt_length', () => newGeneration(db.dataSource, { prompt_length: -1 })],
  ['chk_llm_metrics_response_length', () => newGeneration(db.dataSource, { response_length: -1 })],
  [
    'chk_llm_metrics_security_issues',
    () => newGeneration(db.dataSource, { security_issues: { sql: 1 } as never }),
  ],
  ['chk_llm_context_windows_max_tokens', () => newContextWindow(db.dataSource, { max_tokens: 0 })],
  [
    'chk_llm_context_windows_cost_input',
    () => newContextWindow(db.dataSource, { cost_per_1m_input_usd: '-1' }),
  ],
  [
    'chk_llm_context_windows_cost_output',
    () => newContextWindow(db.dataSource, { cost_per_1m_output_usd: '-1' }),
  ],
  ['chk_llm_history_quality_score', () => newHistory(db.dataSource, { quality_score: -0.01 })],
  ['chk_llm_history_quality_score', () => newHistory(db.dataSource, { quality_score: 1.01 })],
  ['chk_llm_patterns_type', () => newPattern(db.dataSource, { pattern_type: 'great_prompt' as never })],
  ['chk_llm_patterns_usage_count', () => newPattern(db.dataSource, { usage_count: -1 })],
  ['chk_llm_patterns_avg_quality', () => newPattern(db.dataSource, { avg_quality_score: 1.5 })],
  ['chk_llm_metrics_tokens_cached_input', () => newGeneration(db.dataSource, { tokens_cached_input: -1 })],
  ['chk_llm_metrics_tokens_cache_write', () => newGeneration(db.dataSource, { tokens_cache_write: -1 })],
  ['chk_llm_metrics_tokens_reasoning', () => newGeneration(db.dataSource, { tokens_reasoning: -1 })],
  ['chk_llm_metrics_cost_status', () => newGeneration(db.dataSource, { cost_usd: null })],
  ['chk_llm_metrics_cost_status', () => newGeneration(db.dataSource, { cost_status: 'unpriced' })],
  ['chk_llm_metrics_cost_status', () => newGeneration(db.dataSource, { cost_status: 'computed' })],
  ['chk_llm_metrics_cost_status', () => newGeneration(db.dataSource, { cost_status: 'free' as never })],
  ['llm_context_windows_tier_key', () => newContextWindow(db.dataSource, { tier: 'cloud_fast' })],
];

const boundaries: [what: string, insert: Insert][] = [
  [
    'zero tokens, zero latency, zero cost',
    () =>
      newGeneration(db.dataSource, {
        tokens_input: 0,
        tokens_output: 0,
        tokens_total: 0,
        latency_ms: 0,
        cost_usd: '0',
        prompt_length: 0,
        response_length: 0,
      }),
  ],
  [
    'an unpriced generation (no cost)',
    () => newGeneration(db.dataSource, { cost_usd: null, cost_status: 'unpriced' }),
  ],
  [
    'security issues as a JSON array',
    () => newGeneration(db.dataSource, { security_issues: [{ type: 'sql_injection', line: 3 }] }),
  ],
  [
    'quality 0 and 1',
    () =>
      Promise.all([
        newHistory(db.dataSource, { quality_score: 0 }),
        newHistory(db.dataSource, { quality_score: 1 }),
      ]),
  ],
  [
    'a pattern of each seed type, unused and unscored',
    () =>
      Promise.all(
        (['high_quality_prompt', 'common_error', 'successful_implementation'] as const).map((pattern_type) =>
          newPattern(db.dataSource, { pattern_type, usage_count: 0, avg_quality_score: null }),
        ),
      ),
  ],
  [
    'a context window of one token at $0.00',
    () =>
      newContextWindow(db.dataSource, {
        max_tokens: 1,
        cost_per_1m_input_usd: '0',
        cost_per_1m_output_usd: '0',
      }),
  ],
];

describe('constraints', () => {
  test.each(violations)('%s rejects a violating row', async (constraint, insert) => {
    await expect(insert()).rejects.toMatchObject({ driverError: { constraint } });
  });

  test.each(boundaries)('accepts the boundary: %s', async (_what, insert) => {
    await expect(insert()).resolves.toBeDefined();
  });
});
