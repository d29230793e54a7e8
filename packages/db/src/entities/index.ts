import { API_KEY_ROLES, type ApiKeyRole, LlmApiKey } from './llm-api-key.entity';
import { LlmAuditLog } from './llm-audit-log.entity';
import { LlmContextWindow } from './llm-context-window.entity';
import {
  EXTRACTION_RUN_MODES,
  EXTRACTION_RUN_STATUSES,
  type ExtractionRunMode,
  type ExtractionRunStatus,
  LlmExtractionRun,
  type MaintenanceStep,
} from './llm-extraction-run.entity';
import { LlmGenerationHistory } from './llm-generation-history.entity';
import { COST_STATUSES, type CostStatus, LlmGenerationMetric } from './llm-generation-metric.entity';
import { LlmPattern, PATTERN_TYPES, type PatternType } from './llm-pattern.entity';
import { LlmPriceVersion } from './llm-price-version.entity';

export {
  API_KEY_ROLES,
  type ApiKeyRole,
  LlmApiKey,
  LlmAuditLog,
  COST_STATUSES,
  type CostStatus,
  EXTRACTION_RUN_MODES,
  EXTRACTION_RUN_STATUSES,
  type ExtractionRunMode,
  type ExtractionRunStatus,
  LlmContextWindow,
  LlmExtractionRun,
  LlmGenerationHistory,
  LlmGenerationMetric,
  LlmPattern,
  LlmPriceVersion,
  type MaintenanceStep,
  PATTERN_TYPES,
  type PatternType,
};

/** Every entity of the schema, in the order the DataSource registers them. */
export const ENTITIES = [
  LlmGenerationMetric,
  LlmContextWindow,
  LlmGenerationHistory,
  LlmPattern,
  LlmPriceVersion,
  LlmExtractionRun,
  LlmApiKey,
  LlmAuditLog,
] as const;
