import { CreateLlmMetricsTables1761868800000 } from './1761868800000-create-llm-metrics-tables';
import { AddPriceHistory1764892800000 } from './1764892800000-add-price-history';
import { AddReportRollups1765000000000 } from './1765000000000-add-report-rollups';
import { AddReportViews1765000000001 } from './1765000000001-add-report-views';
import { PartitionByMonth1765100000000 } from './1765100000000-partition-by-month';
import { AddHistoryInsertXid1765150000000 } from './1765150000000-add-history-insert-xid';
import { AddHistoryRollup1765400000000 } from './1765400000000-add-history-rollup';

export {
  AddHistoryInsertXid1765150000000,
  AddHistoryRollup1765400000000,
  AddPriceHistory1764892800000,
  AddReportRollups1765000000000,
  AddReportViews1765000000001,
  CreateLlmMetricsTables1761868800000,
  PartitionByMonth1765100000000,
};

/** Every migration, oldest first. Classes, not globs, so the CLI, Nest and jest share one list. */
export const MIGRATIONS = [
  CreateLlmMetricsTables1761868800000,
  AddPriceHistory1764892800000,
  AddReportRollups1765000000000,
  AddReportViews1765000000001,
  PartitionByMonth1765100000000,
  AddHistoryInsertXid1765150000000,
  AddHistoryRollup1765400000000,
] as const;
