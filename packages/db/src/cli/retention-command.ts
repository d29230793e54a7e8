import type { DataSource } from 'typeorm';
import { loadRetentionConfig } from '../config';
import {
  applyRetention,
  type PartitionReport,
  planRetention,
  type RetentionOptions,
  type RetentionReport,
} from '../retention';

/**
 * `llm-metrics-db retention [--apply] [--metrics-days N] [--history-days N]`: the windows come from
 * RETENTION_METRICS_DAYS / RETENTION_HISTORY_DAYS, each overridden by its option. Parsed before any
 * database is opened; `problem` names the option or variable at fault (exit 2).
 */
export function retentionOptions(
  values: { apply?: boolean; 'metrics-days'?: string; 'history-days'?: string },
  problem: (message: string) => Error,
): RetentionOptions & { apply: boolean } {
  const config = loadRetentionConfig();
  const days = (
    option: '--metrics-days' | '--history-days',
    text: string | undefined,
    fallback: number | null,
  ) => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
      throw problem(`${option} must be a positive whole number of days`);
    }
    return Number(text);
  };
  return {
    apply: values.apply === true,
    metricsDays: days('--metrics-days', values['metrics-days'], config.metricsDays),
    historyDays: days('--history-days', values['history-days'], config.historyDays),
  };
}

export async function runRetention(
  dataSource: DataSource,
  { apply, ...options }: RetentionOptions & { apply: boolean },
): Promise<string[]> {
  const report = apply ? await applyRetention(dataSource, options) : await planRetention(dataSource, options);
  return describeRetention(report);
}

const ACTION_LABEL: Readonly<Record<PartitionReport['action'], string>> = {
  keep: 'keep',
  drop: 'WOULD DROP',
  dropped: 'DROPPED',
  skipped: 'SKIPPED',
};

function describeRetention(report: RetentionReport): string[] {
  const lines: string[] = [];
  for (const table of report.tables) {
    lines.push(
      table.cutoff === null
        ? `${table.table}: no retention window, every partition is kept`
        : `${table.table}: keep ${table.days} days, cutoff ${table.cutoff.toISOString()} ` +
            '(partitions whose whole range ends at or before it go)',
    );
    for (const partition of table.partitions) {
      const range = partition.isDefault
        ? 'DEFAULT'
        : `${partition.from?.toISOString().slice(0, 10) ?? '?'} .. ${partition.to?.toISOString().slice(0, 10) ?? '?'}`;
      const unfolded =
        partition.action === 'drop' && partition.unfoldedRows > 0
          ? ` (${partition.unfoldedRows} rows to fold into the rollup first)`
          : '';
      lines.push(
        `  ${ACTION_LABEL[partition.action].padEnd(10)} ${partition.partition.padEnd(36)} ${range.padEnd(24)} ` +
          `${String(partition.rows).padStart(10)} rows ${formatBytes(partition.bytes).padStart(9)}${unfolded}`,
      );
      if (partition.reason !== null) lines.push(`             ${partition.reason}`);
    }
    if (table.cutoff !== null) {
      lines.push(
        `  the DEFAULT partition holds ${table.defaultRowsBeforeCutoff} rows older than the cutoff: ` +
          "kept (retention drops whole monthly partitions only; SELECT llm_create_month_partition('" +
          `${table.table}', 'YYYY-MM-01') moves a month's rows out of it)`,
      );
    }
  }
  const count = (action: PartitionReport['action']) =>
    report.tables.flatMap((table) => table.partitions).filter((partition) => partition.action === action);
  const rows = (partitions: PartitionReport[]) =>
    partitions.reduce((sum, partition) => sum + partition.rows, 0);
  if (report.applied) {
    const dropped = count('dropped');
    const skipped = count('skipped');
    lines.push(
      `Applied: ${dropped.length} partitions dropped (${rows(dropped)} rows, their aggregates kept in the ` +
        `rollups)${skipped.length > 0 ? `, ${skipped.length} skipped (see above)` : ''}.`,
    );
  } else {
    const wouldGo = count('drop');
    lines.push(
      `Dry run: nothing was changed. ${wouldGo.length} partitions (${rows(wouldGo)} rows) would be dropped; ` +
        'run again with --apply to drop them.',
    );
  }
  return lines;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
