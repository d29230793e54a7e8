import { CreateLlmMetricsTables1761868800000 } from './1761868800000-create-llm-metrics-tables';

export { CreateLlmMetricsTables1761868800000 };

/** Every migration, oldest first. Classes, not globs, so the CLI, Nest and jest share one list. */
export const MIGRATIONS = [CreateLlmMetricsTables1761868800000] as const;
