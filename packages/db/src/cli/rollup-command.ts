import type { DataSource } from 'typeorm';
import { refreshHistoryRollups, refreshRollups } from '../rollups';

/** `llm-metrics-db rollup`: folds the metrics and history rows written since the last refresh. */
export async function runRollupRefresh(dataSource: DataSource): Promise<string[]> {
  const lines: string[] = [];
  for (const [label, refresh] of [
    ['metrics', refreshRollups],
    ['history', refreshHistoryRollups],
  ] as const) {
    const started = Date.now();
    const result = await refresh(dataSource);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    lines.push(
      result.rowsFolded === 0
        ? `The ${label} rollup is up to date.`
        : `Folded ${result.rowsFolded} ${label} rows into the hourly rollup in ${result.batches} batches (${seconds} s).`,
    );
  }
  return lines;
}
