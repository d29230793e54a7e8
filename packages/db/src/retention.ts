import type { DataSource, EntityManager } from 'typeorm';
import { DbError } from './errors';
import {
  HISTORY_ROLLUP_NAME,
  type RefreshResult,
  refreshHistoryRollups,
  refreshRollups,
  ROLLUP_NAME,
} from './rollups';

/**
 * Retention (the seed's step 6): drops whole monthly partitions of `llm_generation_metrics` and
 * `llm_generation_history` older than a window of days.
 *
 * - A partition goes only when its whole range ends at or before the cutoff (`now - days`), so no row
 *   newer than the cutoff is ever removed. The DEFAULT partition is never dropped: its rows older than
 *   the cutoff are counted and reported, and stay.
 * - The rollups keep the aggregates of what is dropped (buckets are never deleted), so reports over
 *   old periods still answer, exactly, for whole hours: a range's partial hours at its ends read raw
 *   rows, which are gone. Before a partition is dropped its table's rollup is refreshed, then, with the
 *   table locked, no row of the partition may be above the rollup's watermark; if one is (a row that
 *   came after the refresh, or one a long-running transaction keeps unfolded), the partition is kept
 *   and the report says why: the next run drops it.
 * - One run at a time: `applyRetention` holds a PostgreSQL advisory lock (`RETENTION_LOCK_NAME`).
 */

export const RETENTION_TABLES = ['llm_generation_metrics', 'llm_generation_history'] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];

/** The advisory lock key is `hashtextextended(RETENTION_LOCK_NAME, 0)`. */
export const RETENTION_LOCK_NAME = 'llm-metrics:retention';

/** How long a drop waits for the table lock (readers and writers of the table) before it skips. */
const LOCK_TIMEOUT = '5s';

export interface RetentionOptions {
  /** Days of metrics kept; null or unset: kept forever. */
  readonly metricsDays?: number | null;
  /** Days of history kept; null or unset: kept forever. */
  readonly historyDays?: number | null;
  /** The instant the cutoffs count back from (default: now). */
  readonly now?: Date;
}

export type PartitionAction =
  /** Newer than the cutoff, or no window: stays. */
  | 'keep'
  /** Dry run: would be dropped. */
  | 'drop'
  /** Applied: detached and dropped. */
  | 'dropped'
  /** Applied, but kept: see `reason`. */
  | 'skipped';

export interface PartitionReport {
  readonly partition: string;
  /** The partition's range `[from, to)`; null for the DEFAULT partition. */
  readonly from: Date | null;
  readonly to: Date | null;
  readonly isDefault: boolean;
  /** Exact row count (before the drop). */
  readonly rows: number;
  /** Size with indexes and TOAST, bytes. */
  readonly bytes: number;
  readonly action: PartitionAction;
  /** Rows of a partition that would go which are not folded into the rollup yet (as of the plan). */
  readonly unfoldedRows: number;
  /** Why a partition that would go was kept. */
  readonly reason: string | null;
}

export interface TableRetentionReport {
  readonly table: RetentionTable;
  /** The window; null: no retention for this table. */
  readonly days: number | null;
  /** `now - days`; rows created before it may go. */
  readonly cutoff: Date | null;
  readonly partitions: readonly PartitionReport[];
  /** Rows of the DEFAULT partition older than the cutoff: kept, since it is never dropped. */
  readonly defaultRowsBeforeCutoff: number;
}

export interface RetentionReport {
  readonly applied: boolean;
  readonly now: Date;
  readonly tables: readonly TableRetentionReport[];
  /** The rollup refreshes done before dropping (apply only). */
  readonly refreshed: Partial<Record<RetentionTable, RefreshResult>>;
}

/** What retention would drop, changing nothing (no refresh, no lock). */
export async function planRetention(
  dataSource: DataSource,
  options: RetentionOptions = {},
): Promise<RetentionReport> {
  const windows = checkOptions(options);
  const now = options.now ?? new Date();
  const tables: TableRetentionReport[] = [];
  for (const table of RETENTION_TABLES) {
    tables.push(await planTable(dataSource.manager, table, windows[table], now));
  }
  return { applied: false, now, tables, refreshed: {} };
}

/**
 * Drops the partitions `planRetention` lists as `drop`, after refreshing the rollup of each table with
 * a window, one partition per transaction. Throws `RETENTION_LOCKED` when another run holds the lock.
 */
export async function applyRetention(
  dataSource: DataSource,
  options: RetentionOptions = {},
): Promise<RetentionReport> {
  const windows = checkOptions(options);
  const now = options.now ?? new Date();
  const session = dataSource.createQueryRunner();
  await session.connect();
  try {
    const [{ locked }] = (await session.query(
      `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`,
      [RETENTION_LOCK_NAME],
    )) as [{ locked: boolean }];
    if (!locked) throw new DbError('RETENTION_LOCKED', 'another retention run holds the lock; try later');
    try {
      const refreshed: Partial<Record<RetentionTable, RefreshResult>> = {};
      if (windows.llm_generation_metrics !== null) {
        refreshed.llm_generation_metrics = await refreshRollups(dataSource);
      }
      if (windows.llm_generation_history !== null) {
        refreshed.llm_generation_history = await refreshHistoryRollups(dataSource);
      }
      const tables: TableRetentionReport[] = [];
      for (const table of RETENTION_TABLES) {
        const plan = await planTable(dataSource.manager, table, windows[table], now);
        const partitions: PartitionReport[] = [];
        for (const partition of plan.partitions) {
          partitions.push(
            partition.action === 'drop' ? await dropPartition(dataSource, table, partition) : partition,
          );
        }
        tables.push({ ...plan, partitions });
      }
      return { applied: true, now, tables, refreshed };
    } finally {
      await session.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [RETENTION_LOCK_NAME]);
    }
  } finally {
    await session.release();
  }
}

/** The watermark row of the rollup that must cover a table's rows before they are dropped. */
const ROLLUP_OF: Readonly<Record<RetentionTable, string>> = {
  llm_generation_metrics: ROLLUP_NAME,
  llm_generation_history: HISTORY_ROLLUP_NAME,
};

function checkOptions(options: RetentionOptions): Record<RetentionTable, number | null> {
  const days = (field: 'metricsDays' | 'historyDays'): number | null => {
    const value = options[field];
    if (value === undefined || value === null) return null;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new DbError(
        'VALIDATION_FAILED',
        `${field} must be a positive whole number of days (got ${value})`,
        {
          field,
        },
      );
    }
    return value;
  };
  if (options.now !== undefined && Number.isNaN(options.now.getTime())) {
    throw new DbError('VALIDATION_FAILED', 'now must be a valid date', { field: 'now' });
  }
  return { llm_generation_metrics: days('metricsDays'), llm_generation_history: days('historyDays') };
}

const DAY_MS = 24 * 3600_000;

interface PartitionRow {
  partition: string;
  is_default: boolean;
  range_from: Date | null;
  range_to: Date | null;
  rows: string;
  bytes: string;
  default_rows_before_cutoff: string | null;
  unfolded_rows: string | null;
}

/**
 * Every partition of `table` with its range, exact row count and size; for the DEFAULT partition the
 * rows older than the cutoff; for partitions that would go, their rows above the rollup's watermark.
 * Counting needs one dynamic statement per partition: `query_to_xml` runs them in this one query.
 * `$1` table, `$2` cutoff (null: no window), `$3` rollup name, `$4`/`$5` patterns of the bound's text.
 */
const PARTITIONS_SQL = `
  WITH parts AS (
    SELECT c.relname AS partition, c.oid,
           pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default,
           substring(pg_get_expr(c.relpartbound, c.oid) FROM $4)::timestamptz AS range_from,
           substring(pg_get_expr(c.relpartbound, c.oid) FROM $5)::timestamptz AS range_to
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = $1::regclass
  ),
  state AS (SELECT watermark_xid, watermark_id FROM llm_rollup_state WHERE name = $3)
  SELECT partition, is_default, range_from, range_to, pg_total_relation_size(oid)::text AS bytes,
         (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', oid::regclass),
           false, true, '')))[1]::text AS rows,
         CASE WHEN is_default AND $2::timestamptz IS NOT NULL THEN
           (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s WHERE created_at < %L',
             oid::regclass, $2::timestamptz), false, true, '')))[1]::text
         END AS default_rows_before_cutoff,
         CASE WHEN range_to <= $2::timestamptz THEN
           (xpath('/row/n/text()', query_to_xml(format(
             'SELECT count(*) AS n FROM %s WHERE (insert_xid, id) > (%s, %L::uuid)',
             oid::regclass, (SELECT watermark_xid FROM state), (SELECT watermark_id FROM state)),
             false, true, '')))[1]::text
         END AS unfolded_rows
  FROM parts
  ORDER BY is_default, range_from, partition
`;

const BOUND_FROM = String.raw`FROM \('([^']+)'\)`;
const BOUND_TO = String.raw`TO \('([^']+)'\)`;

async function planTable(
  manager: EntityManager,
  table: RetentionTable,
  days: number | null,
  now: Date,
): Promise<TableRetentionReport> {
  const cutoff = days === null ? null : new Date(now.getTime() - days * DAY_MS);
  const rows = await manager.query<PartitionRow[]>(PARTITIONS_SQL, [
    table,
    cutoff,
    ROLLUP_OF[table],
    BOUND_FROM,
    BOUND_TO,
  ]);
  const partitions = rows.map((row): PartitionReport => {
    const goes = cutoff !== null && row.range_to !== null && row.range_to.getTime() <= cutoff.getTime();
    return {
      partition: row.partition,
      from: row.range_from,
      to: row.range_to,
      isDefault: row.is_default,
      rows: Number(row.rows),
      bytes: Number(row.bytes),
      action: goes ? 'drop' : 'keep',
      unfoldedRows: Number(row.unfolded_rows ?? 0),
      reason: null,
    };
  });
  const defaultRows = rows.find((row) => row.is_default)?.default_rows_before_cutoff;
  return { table, days, cutoff, partitions, defaultRowsBeforeCutoff: Number(defaultRows ?? 0) };
}

/** Lock-wait timeouts and deadlocks mean "busy": skip the partition, the next run tries again. */
const BUSY_ERRORS = new Set(['55P03', '40P01']);

/**
 * Detaches and drops one partition in one transaction, holding the table's lock from the check to the
 * drop: no row can arrive in between, and every transaction that wrote to the table has ended, so
 * the check sees every row the partition will ever have had.
 */
async function dropPartition(
  dataSource: DataSource,
  table: RetentionTable,
  partition: PartitionReport,
): Promise<PartitionReport> {
  try {
    return await dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await manager.query(`LOCK TABLE ONLY ${quoteIdentifier(table)} IN ACCESS EXCLUSIVE MODE`);
      const [{ unfolded }] = await manager.query<[{ unfolded: number }]>(
        `SELECT count(*)::integer AS unfolded FROM ${quoteIdentifier(partition.partition)} p
         WHERE (p.insert_xid, p.id) > (SELECT watermark_xid, watermark_id FROM llm_rollup_state WHERE name = $1)`,
        [ROLLUP_OF[table]],
      );
      if (unfolded > 0) {
        return {
          ...partition,
          action: 'skipped' as const,
          unfoldedRows: unfolded,
          reason:
            `${unfolded} of its rows are not folded into the rollup yet (written after the refresh, or ` +
            'held back by a transaction still running); kept so that no aggregate is lost, the next run drops it',
        };
      }
      await manager.query(
        `ALTER TABLE ${quoteIdentifier(table)} DETACH PARTITION ${quoteIdentifier(partition.partition)}`,
      );
      await manager.query(`DROP TABLE ${quoteIdentifier(partition.partition)}`);
      return { ...partition, action: 'dropped' as const, unfoldedRows: 0 };
    });
  } catch (error) {
    const failure = error as { driverError?: { code?: string }; code?: string };
    const code = failure.driverError?.code ?? failure.code;
    if (code === undefined || !BUSY_ERRORS.has(code)) throw error;
    return {
      ...partition,
      action: 'skipped',
      reason: `the table stayed locked by other sessions for ${LOCK_TIMEOUT}; the next run drops it`,
    };
  }
}

/** Names here come from the catalog, never from users; quoted all the same. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
