import type { DataSource } from 'typeorm';

/** Months of partitions kept ahead of the current UTC month by default. */
export const DEFAULT_PARTITIONS_AHEAD = 3;

/**
 * Creates the missing monthly partitions of `llm_generation_metrics` and `llm_generation_history` for
 * the current UTC month and the `months` months after it (SQL `llm_create_partitions_ahead`, migration
 * `PartitionByMonth1765100000000`). Rows of those months that had gone to the DEFAULT partition move
 * into their new partition. Idempotent: run it from a scheduler, e.g. daily. Returns the number of
 * partitions created.
 */
export async function createPartitionsAhead(
  dataSource: DataSource,
  months: number = DEFAULT_PARTITIONS_AHEAD,
): Promise<number> {
  if (!Number.isSafeInteger(months) || months < 0) {
    throw new RangeError(`months must be a non-negative integer (got ${months})`);
  }
  const [row] = await dataSource.query<{ created: number }[]>(
    `SELECT llm_create_partitions_ahead($1::integer) AS created`,
    [months],
  );
  return row?.created ?? 0;
}
