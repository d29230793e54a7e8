import { LlmContextWindow } from './llm-context-window.entity';
import { LlmGenerationHistory } from './llm-generation-history.entity';
import { LlmGenerationMetric } from './llm-generation-metric.entity';
import { LlmPattern, PATTERN_TYPES, type PatternType } from './llm-pattern.entity';

export {
  LlmContextWindow,
  LlmGenerationHistory,
  LlmGenerationMetric,
  LlmPattern,
  PATTERN_TYPES,
  type PatternType,
};

/** Every entity of the schema, in the order the DataSource registers them. */
export const ENTITIES = [LlmGenerationMetric, LlmContextWindow, LlmGenerationHistory, LlmPattern] as const;
