import { CreateLlmMetricsTables1761868800000 } from './1761868800000-create-llm-metrics-tables';
import { AddPriceHistory1764892800000 } from './1764892800000-add-price-history';

export { AddPriceHistory1764892800000, CreateLlmMetricsTables1761868800000 };

/** Every migration, oldest first. Classes, not globs, so the CLI, Nest and jest share one list. */
export const MIGRATIONS = [CreateLlmMetricsTables1761868800000, AddPriceHistory1764892800000] as const;
