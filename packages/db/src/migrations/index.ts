import { CreateLlmMetricsTables1761868800000 } from './1761868800000-create-llm-metrics-tables';
import { AddPriceHistory1764892800000 } from './1764892800000-add-price-history';
import { AddReportRollups1765000000000 } from './1765000000000-add-report-rollups';
import { AddReportViews1765000000001 } from './1765000000001-add-report-views';
import { PartitionByMonth1765100000000 } from './1765100000000-partition-by-month';
import { AddHistoryInsertXid1765150000000 } from './1765150000000-add-history-insert-xid';
import { AddPatternExtraction1765200000000 } from './1765200000000-add-pattern-extraction';
import { AddApiKeysAndAuditLog1765300000000 } from './1765300000000-add-api-keys-and-audit-log';
import { AddHistoryCreatedIndex1765350000000 } from './1765350000000-add-history-created-index';
import { AddHistoryRollup1765400000000 } from './1765400000000-add-history-rollup';

export {
  AddApiKeysAndAuditLog1765300000000,
  AddHistoryCreatedIndex1765350000000,
  AddHistoryInsertXid1765150000000,
  AddPatternExtraction1765200000000,
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
  AddPatternExtraction1765200000000,
  AddApiKeysAndAuditLog1765300000000,
  AddHistoryCreatedIndex1765350000000,
  AddHistoryRollup1765400000000,
] as const;
