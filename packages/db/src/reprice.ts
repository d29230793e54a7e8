import type { DataSource, EntityManager } from 'typeorm';
import { COST_STATUSES, type CostStatus } from './entities';
import { formatDecimal, parseDecimal } from './decimal';
import { DbError } from './errors';
import { type Cost, loadPriceBook, type PriceBook } from './pricing';
import { correctRolledUpCosts } from './rollups';

export const DEFAULT_REPRICE_BATCH_SIZE = 1000;
export const MAX_REPRICE_BATCH_SIZE = 10_000;

export interface RepriceOptions {
  readonly tier: string;
  /** Only this `model_used`; every model of the tier when absent. */
  readonly model?: string;
  /** Rows with `from <= created_at < to`. */
  readonly from: Date;
  readonly to: Date;
  /** False: a dry run that writes nothing. */
  readonly apply: boolean;
  /** Rows read (and, applying, rewritten in one transaction) at a time. */
  readonly batchSize?: number;
}

export type RepriceField = 'tier' | 'model' | 'from' | 'to' | 'batchSize';

/** A bad option, described with the caller's names for the fields (`batchSize` or `--batch-size`). */
export interface RepriceProblem {
  readonly field: RepriceField;
  describe(nameOf: (field: RepriceField) => string): string;
}

/** Rows counted by their cost status before (outer key) and after (inner key) repricing. */
export type StatusTransitions = Readonly<Record<CostStatus, Readonly<Record<CostStatus, number>>>>;

export interface RepriceReport {
  readonly tier: string;
  readonly model: string | null;
  readonly from: Date;
  readonly to: Date;
  /** False for a dry run: the counts and totals say what `apply` would do to the same rows. */
  readonly applied: boolean;
  readonly rowsMatched: number;
  /** Rows whose cost, status or price version differs: to be rewritten (dry run) or rewritten. */
  readonly rowsChanged: number;
  /** `provided` rows always stay `provided`: a caller's cost wins over any price. */
  readonly transitions: StatusTransitions;
  /** Rows with no price after repricing; they count in neither total. */
  readonly rowsLeftUnpriced: number;
  /** USD, exact decimal strings with 12 places. */
  readonly oldTotalUsd: string;
  readonly newTotalUsd: string;
  /** `newTotalUsd - oldTotalUsd`, with a leading `-` when the cost falls. */
  readonly differenceUsd: string;
  /** Non-empty batches read. */
  readonly batches: number;
}

/** The first bad option, if any; `repriceGenerations` rejects it and the CLI reports it by option name. */
export function findRepriceProblem(options: RepriceOptions): RepriceProblem | undefined {
  const problem = (field: RepriceField, describe: RepriceProblem['describe']) => ({ field, describe });
  const batchSize = options.batchSize ?? DEFAULT_REPRICE_BATCH_SIZE;
  if (options.tier.trim() === '') return problem('tier', (name) => `${name('tier')} must not be empty`);
  if (options.model?.trim() === '') {
    return problem('model', (name) => `${name('model')} must not be empty when given`);
  }
  for (const field of ['from', 'to'] as const) {
    if (Number.isNaN(options[field].getTime())) {
      return problem(field, (name) => `${name(field)} must be a valid date`);
    }
  }
  if (options.from >= options.to) {
    return problem('to', (name) => `${name('to')} must be later than ${name('from')}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_REPRICE_BATCH_SIZE) {
    return problem(
      'batchSize',
      (name) => `${name('batchSize')} must be an integer from 1 to ${MAX_REPRICE_BATCH_SIZE}`,
    );
  }
  return undefined;
}

/**
 * Recomputes the cost of a tier's generations in `[from, to)` with the price in effect at each one's
 * `created_at`, in keyset batches ordered by `(created_at, id)`. A dry run only reads; `apply` rewrites
 * each batch's changed rows in one transaction, with the rows locked from read to write, so its report
 * equals the dry run's for the same data. `provided` costs are kept and counted.
 */
export async function repriceGenerations(
  dataSource: DataSource,
  options: RepriceOptions,
): Promise<RepriceReport> {
  const problem = findRepriceProblem(options);
  if (problem !== undefined) {
    throw new DbError('VALIDATION_FAILED', problem.describe(ownName));
  }
  const book = await loadPriceBook(dataSource);
  const filter: RowFilter = {
    tier: options.tier,
    model: options.model ?? null,
    from: options.from,
    to: options.to,
    limit: options.batchSize ?? DEFAULT_REPRICE_BATCH_SIZE,
  };
  const tally = new Tally();
  let after: Cursor | null = null;
  let full = true;
  while (full) {
    const rows: Repriced[] = options.apply
      ? await dataSource.transaction((manager) => repriceBatch(manager, book, filter, after, true))
      : await repriceBatch(dataSource.manager, book, filter, after, false);
    if (rows.length > 0) tally.countBatch(rows);
    const last = rows.at(-1)?.row;
    if (last !== undefined) after = { createdAt: last.created_at_exact, id: last.id };
    full = rows.length === filter.limit;
  }
  return tally.report(options);
}

const ownName = (field: RepriceField): string => field;

interface RowFilter {
  readonly tier: string;
  readonly model: string | null;
  readonly from: Date;
  readonly to: Date;
  readonly limit: number;
}

/** The last row of the previous batch; `createdAt` keeps PostgreSQL's microseconds, which a Date drops. */
interface Cursor {
  readonly createdAt: string;
  readonly id: string;
}

interface MetricsRow {
  readonly id: string;
  readonly created_at: Date;
  readonly created_at_exact: string;
  readonly tier: string;
  readonly model_used: string;
  readonly tokens_input: number;
  readonly tokens_output: number;
  readonly tokens_cached_input: number | null;
  readonly tokens_cache_write: number | null;
  readonly tokens_reasoning: number | null;
  readonly cost_usd: string | null;
  readonly cost_status: CostStatus;
  readonly price_version_id: string | null;
}

interface Repriced {
  readonly row: MetricsRow;
  readonly cost: Cost;
}

/** Reads one batch, prices it and, when applying, rewrites the rows whose cost changed. */
async function repriceBatch(
  manager: EntityManager,
  book: PriceBook,
  filter: RowFilter,
  after: Cursor | null,
  apply: boolean,
): Promise<Repriced[]> {
  const rows = apply
    ? await findBatchForUpdate(manager, filter, after)
    : await findBatch(manager, filter, after);
  const repriced = rows.map((row) => ({ row, cost: priceRow(book, row) }));
  const changed = repriced.filter(isChanged);
  if (apply && changed.length > 0) await updateCosts(manager, changed);
  return repriced;
}

function priceRow(book: PriceBook, row: MetricsRow): Cost {
  try {
    return book.price({ ...row, cost_usd: row.cost_status === 'provided' ? row.cost_usd : null });
  } catch (error) {
    if (!(error instanceof DbError)) throw error;
    throw new DbError(error.code, `generation ${row.id}: ${error.message}`, { cause: error });
  }
}

function isChanged({ row, cost }: Repriced): boolean {
  return (
    row.cost_status !== cost.cost_status ||
    row.price_version_id !== cost.price_version_id ||
    scaledCost(row.cost_usd) !== scaledCost(cost.cost_usd)
  );
}

const SELECT_BATCH = `
  SELECT id, created_at,
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at_exact,
         tier, model_used, tokens_input, tokens_output, tokens_cached_input, tokens_cache_write,
         tokens_reasoning, cost_usd::text AS cost_usd, cost_status, price_version_id
  FROM llm_generation_metrics
  WHERE tier = $1
    AND ($2::varchar IS NULL OR model_used = $2::varchar)
    AND created_at >= $3::timestamptz AND created_at < $4::timestamptz
    AND ($5::uuid IS NULL OR (created_at, id) > ($3::timestamptz, $5::uuid))
  ORDER BY created_at, id
  LIMIT $6`;

/** Applying locks the batch so that nothing changes a row between its pricing and its update. */
const SELECT_BATCH_FOR_UPDATE = `${SELECT_BATCH} FOR UPDATE`;

function findBatch(manager: EntityManager, filter: RowFilter, after: Cursor | null): Promise<MetricsRow[]> {
  return manager.query<MetricsRow[]>(SELECT_BATCH, batchParameters(filter, after));
}

function findBatchForUpdate(
  manager: EntityManager,
  filter: RowFilter,
  after: Cursor | null,
): Promise<MetricsRow[]> {
  return manager.query<MetricsRow[]>(SELECT_BATCH_FOR_UPDATE, batchParameters(filter, after));
}

/** `$3` is the lower bound of `created_at`: the range's start, then the cursor's instant. */
function batchParameters(filter: RowFilter, after: Cursor | null): unknown[] {
  return [
    filter.tier,
    filter.model,
    after?.createdAt ?? filter.from.toISOString(),
    filter.to.toISOString(),
    after?.id ?? null,
    filter.limit,
  ];
}

async function updateCosts(manager: EntityManager, changed: readonly Repriced[]): Promise<void> {
  await correctRolledUpCosts(
    manager,
    changed.map(({ row, cost }) => ({ id: row.id, cost_usd: cost.cost_usd, cost_status: cost.cost_status })),
  );
  await manager.query(
    `UPDATE llm_generation_metrics AS m
     SET cost_usd = u.cost_usd, cost_status = u.cost_status, price_version_id = u.price_version_id
     FROM unnest($1::uuid[], $2::numeric[], $3::varchar[], $4::uuid[])
       AS u(id, cost_usd, cost_status, price_version_id)
     WHERE m.id = u.id`,
    [
      changed.map(({ row }) => row.id),
      changed.map(({ cost }) => cost.cost_usd),
      changed.map(({ cost }) => cost.cost_status),
      changed.map(({ cost }) => cost.price_version_id),
    ],
  );
}

/** Running counts and exact totals (integers of 10^-12 USD), one batch at a time. */
class Tally {
  private rowsMatched = 0;
  private rowsChanged = 0;
  private batches = 0;
  private oldTotal = 0n;
  private newTotal = 0n;
  private readonly transitions = Object.fromEntries(
    COST_STATUSES.map((from) => [from, Object.fromEntries(COST_STATUSES.map((to) => [to, 0]))]),
  ) as Record<CostStatus, Record<CostStatus, number>>;

  countBatch(batch: readonly Repriced[]): void {
    this.batches += 1;
    for (const { row, cost } of batch) {
      this.rowsMatched += 1;
      if (isChanged({ row, cost })) this.rowsChanged += 1;
      this.transitions[row.cost_status][cost.cost_status] += 1;
      this.oldTotal += scaledCost(row.cost_usd) ?? 0n;
      this.newTotal += scaledCost(cost.cost_usd) ?? 0n;
    }
  }

  report(options: RepriceOptions): RepriceReport {
    return {
      tier: options.tier,
      model: options.model ?? null,
      from: options.from,
      to: options.to,
      applied: options.apply,
      rowsMatched: this.rowsMatched,
      rowsChanged: this.rowsChanged,
      transitions: this.transitions,
      rowsLeftUnpriced: COST_STATUSES.reduce((sum, from) => sum + this.transitions[from].unpriced, 0),
      oldTotalUsd: formatCost(this.oldTotal),
      newTotalUsd: formatCost(this.newTotal),
      differenceUsd: formatCost(this.newTotal - this.oldTotal),
      batches: this.batches,
    };
  }
}

/** `cost_usd` is `numeric(20,12)`: every cost is an exact integer number of 10^-12 USD. */
const COST_SCALE = 12;

function scaledCost(costUsd: string | null): bigint | null {
  if (costUsd === null) return null;
  const scaled = parseDecimal(costUsd, COST_SCALE);
  if (scaled === undefined)
    throw new TypeError(`cost ${costUsd} is not a decimal with at most ${COST_SCALE} places`);
  return scaled;
}

function formatCost(scaled: bigint): string {
  return formatDecimal(scaled, COST_SCALE);
}
