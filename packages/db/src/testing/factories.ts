import { randomUUID } from 'node:crypto';
import type { DataSource, DeepPartial, EntityTarget, ObjectLiteral } from 'typeorm';
import { LlmContextWindow, LlmGenerationHistory, LlmGenerationMetric, LlmPattern } from '../entities';

/** The instant factories stamp rows with unless told otherwise: tests never depend on the wall clock. */
export const FIXED_NOW = new Date('2026-01-15T12:00:00.000Z');

/** Saves a metrics row: the seed's example generation, with `overrides` applied. Returns what was saved. */
export function newGeneration(
  dataSource: DataSource,
  overrides: DeepPartial<LlmGenerationMetric> = {},
): Promise<LlmGenerationMetric> {
  return save(dataSource, LlmGenerationMetric, {
    correlation_id: randomUUID(),
    node_type: 'effect',
    service_name: 'PostgresService',
    method_name: 'create_connection',
    tier: 'cloud_fast',
    model_used: 'glm-4.5',
    tokens_input: 1500,
    tokens_output: 800,
    tokens_total: 2300,
    latency_ms: 245.5,
    cost_usd: '0.00046',
    syntax_valid: true,
    onex_compliant: true,
    has_type_hints: true,
    created_at: FIXED_NOW,
    ...overrides,
  });
}

/** Saves a history row with `overrides` applied. */
export function newHistory(
  dataSource: DataSource,
  overrides: DeepPartial<LlmGenerationHistory> = {},
): Promise<LlmGenerationHistory> {
  return save(dataSource, LlmGenerationHistory, {
    correlation_id: randomUUID(),
    node_type: 'effect',
    method_name: 'create_connection',
    prompt_text: 'Implement create_connection for PostgresService.',
    generated_code:
      'async def create_connection(self) -> Connection:\n    return await self.pool.acquire()\n',
    quality_score: 0.92,
    validation_passed: true,
    created_at: FIXED_NOW,
    ...overrides,
  });
}

/** Saves a tier row with `overrides` applied. */
export function newContextWindow(
  dataSource: DataSource,
  overrides: DeepPartial<LlmContextWindow> = {},
): Promise<LlmContextWindow> {
  return save(dataSource, LlmContextWindow, {
    tier: `tier_${randomUUID().slice(0, 8)}`,
    model_name: 'test-model',
    max_tokens: 32000,
    cost_per_1m_input_usd: '1.00',
    cost_per_1m_output_usd: '2.00',
    ...overrides,
  });
}

/** Saves a pattern row with `overrides` applied. */
export function newPattern(
  dataSource: DataSource,
  overrides: DeepPartial<LlmPattern> = {},
): Promise<LlmPattern> {
  return save(dataSource, LlmPattern, {
    pattern_type: 'high_quality_prompt',
    node_type: 'effect',
    pattern_data: { template: 'Implement <*> for <*>.' },
    usage_count: 5,
    avg_quality_score: 0.9,
    created_at: FIXED_NOW,
    ...overrides,
  });
}

function save<Entity extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<Entity>,
  values: NoInfer<DeepPartial<Entity>>,
): Promise<Entity> {
  const repository = dataSource.getRepository(target);
  return repository.save(repository.create(values));
}
