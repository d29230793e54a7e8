import type { DataSource } from 'typeorm';
import { refreshRollups } from '../rollups';

/** `llm-metrics-db rollup`: folds the metrics rows written since the last refresh into the rollups. */
export async function runRollupRefresh(dataSource: DataSource): Promise<string[]> {
  const started = Date.now();
  const result = await refreshRollups(dataSource);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return [
    result.rowsFolded === 0
      ? 'Rollups are up to date.'
      : `Folded ${result.rowsFolded} rows into the hourly rollups in ${result.batches} batches (${seconds} s).`,
  ];
}
