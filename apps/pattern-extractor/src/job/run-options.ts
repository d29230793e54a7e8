import type { RetentionConfig } from '@llm-metrics/db/config';

/** What `extract run` takes, validated before any database is opened. */
export interface RunOptions {
  /** Rebuild every pattern from the whole history, swapped in at the end in one transaction. */
  readonly full: boolean;
  /** Mine and report, but commit nothing (one transaction, rolled back). */
  readonly dryRun: boolean;
  /** Only history rows created at or after this instant (with `full` or `dryRun`). */
  readonly since: Date | null;
  /** Only history rows created before this instant (with `full` or `dryRun`). */
  readonly until: Date | null;
  /** History rows per batch; each batch is one transaction. */
  readonly batchSize: number;
  /** Minimum average quality of a prompt template or implementation to be published. */
  readonly minQuality: number;
  /** Minimum number of history rows behind a pattern to be published. */
  readonly minSupport: number;
  /** Skip the maintenance steps after mining (partitions ahead, rollup refresh, retention). */
  readonly skipMaintenance: boolean;
  /** Retention windows the maintenance applies (`RETENTION_*_DAYS`); null: kept forever. */
  readonly retention: RetentionConfig;
}

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  full: false,
  dryRun: false,
  since: null,
  until: null,
  batchSize: 2_000,
  minQuality: 0.7,
  minSupport: 3,
  skipMaintenance: false,
  retention: { metricsDays: null, historyDays: null },
};

export type RunOptionField = 'batchSize' | 'minQuality' | 'minSupport' | 'since' | 'until';

/** The first problem of a set of options, naming the field at fault, or null. */
export function findRunOptionProblem(options: RunOptions): { field: RunOptionField; message: string } | null {
  if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 1_000_000) {
    return { field: 'batchSize', message: 'must be an integer from 1 to 1000000' };
  }
  if (!Number.isFinite(options.minQuality) || options.minQuality < 0 || options.minQuality > 1) {
    return { field: 'minQuality', message: 'must be a number from 0 to 1' };
  }
  if (!Number.isSafeInteger(options.minSupport) || options.minSupport < 1) {
    return { field: 'minSupport', message: 'must be a positive integer' };
  }
  for (const field of ['since', 'until'] as const) {
    if (options[field] !== null && !options.full && !options.dryRun) {
      // An incremental run moves the watermark past what it reads: rows outside the range would
      // never be mined. A range only makes sense for a rebuild or a look.
      return { field, message: 'needs --full or --dry-run (an incremental run mines every new row)' };
    }
  }
  if (options.since !== null && options.until !== null && options.since >= options.until) {
    return { field: 'until', message: 'must be after --since' };
  }
  return null;
}
