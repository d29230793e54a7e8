import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { createPartitionsAhead, DEFAULT_PARTITIONS_AHEAD } from './partitions';
import { applyRetention, type PartitionReport } from './retention';
import { refreshHistoryRollups, refreshRollups } from './rollups';

/**
 * The database's nightly upkeep, for the extractor's job (or any scheduler): each step runs even when
 * an earlier one failed (a failed retention must not stop the rollups from being fresh, and the other
 * way round), and each is reported on its own, so the job can store every step in its run row.
 */

export const MAINTENANCE_STEPS = ['partitions', 'metrics_rollup', 'history_rollup', 'retention'] as const;
export type MaintenanceStepName = (typeof MAINTENANCE_STEPS)[number];

export interface MaintenanceStep {
  readonly name: MaintenanceStepName;
  /** False when the step threw; `error` says what. */
  readonly ok: boolean;
  /** One line for people: what the step did. */
  readonly detail: string;
  /** What the step did, for machines (e.g. `{ created: 2 }`, `{ rowsFolded: 1200, batches: 1 }`). */
  readonly counts: Readonly<Record<string, number>>;
  /** Wall time of the step, milliseconds. */
  readonly ms: number;
  /** The error's message when `ok` is false. */
  readonly error?: string;
}

export interface MaintenanceOptions {
  /** Months of partitions kept ahead of the current one (default 3). */
  readonly partitionsAhead?: number;
  /**
   * Retention windows in days (e.g. from `loadRetentionConfig()`); retention is applied only for a
   * table whose window is set, and skipped when neither is.
   */
  readonly retention?: { readonly metricsDays?: number | null; readonly historyDays?: number | null };
  /** Rows folded per rollup transaction (default: the rollups' own). */
  readonly batchSize?: number;
  /** The instant retention counts back from (default: now). */
  readonly now?: Date;
}

/**
 * Creates partitions ahead, refreshes the metrics and history rollups, then applies retention when a
 * window is configured. Never throws for a failing step: it is returned with `ok: false`.
 */
export async function runMaintenance(
  dataSource: DataSource,
  options: MaintenanceOptions = {},
): Promise<MaintenanceStep[]> {
  const { partitionsAhead = DEFAULT_PARTITIONS_AHEAD, retention = {}, batchSize, now } = options;
  const refreshOptions = batchSize === undefined ? {} : { batchSize };
  const steps: MaintenanceStep[] = [];

  steps.push(
    await step('partitions', async () => {
      const created = await createPartitionsAhead(dataSource, partitionsAhead);
      return {
        detail: `${created} partitions created (${partitionsAhead} months ahead)`,
        counts: { created },
      };
    }),
  );
  for (const [name, refresh] of [
    ['metrics_rollup', refreshRollups],
    ['history_rollup', refreshHistoryRollups],
  ] as const) {
    steps.push(
      await step(name, async () => {
        const { rowsFolded, batches } = await refresh(dataSource, refreshOptions);
        return { detail: `${rowsFolded} rows folded in ${batches} batches`, counts: { rowsFolded, batches } };
      }),
    );
  }
  steps.push(
    await step('retention', async () => {
      const metricsDays = retention.metricsDays ?? null;
      const historyDays = retention.historyDays ?? null;
      if (metricsDays === null && historyDays === null) {
        return { detail: 'skipped: no retention window configured', counts: {} };
      }
      const report = await applyRetention(dataSource, { metricsDays, historyDays, now });
      const partitions = report.tables.flatMap((table) => table.partitions);
      const dropped = partitions.filter((partition) => partition.action === 'dropped');
      const skipped = partitions.filter((partition) => partition.action === 'skipped');
      const counts = {
        partitionsDropped: dropped.length,
        rowsDropped: sumRows(dropped),
        partitionsSkipped: skipped.length,
        defaultRowsBeforeCutoff: report.tables.reduce((sum, table) => sum + table.defaultRowsBeforeCutoff, 0),
      };
      const because = skipped.map((partition) => `${partition.partition}: ${partition.reason ?? ''}`);
      return {
        detail:
          `${dropped.length} partitions dropped (${counts.rowsDropped} rows), ${skipped.length} skipped` +
          (because.length > 0 ? `: ${because.join('; ')}` : ''),
        counts,
      };
    }),
  );
  return steps;
}

function sumRows(partitions: readonly PartitionReport[]): number {
  return partitions.reduce((sum, partition) => sum + partition.rows, 0);
}

async function step(
  name: MaintenanceStepName,
  work: () => Promise<{ detail: string; counts: Record<string, number> }>,
): Promise<MaintenanceStep> {
  const started = performance.now();
  try {
    const { detail, counts } = await work();
    return { name, ok: true, detail, counts, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      name,
      ok: false,
      detail: `failed: ${message}`,
      counts: {},
      ms: Math.round(performance.now() - started),
      error: message,
    };
  }
}
