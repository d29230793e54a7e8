/**
 * One run of the pattern extractor: take the lock, mine history above the watermark in bounded
 * batches, commit each batch's totals, published patterns, miner state and watermark in one
 * transaction, publish and retire what the thresholds say at the end, then do the maintenance.
 *
 * - Incremental (default): continues the `live` scope from its watermark and miner state.
 * - Full: mines the whole history into the `rebuild` scope beside the live one, then swaps it in and
 *   republishes in one transaction; readers see the old patterns or the new ones, never a mix.
 * - Dry run: the same work inside one transaction that is rolled back: nothing is written, not even
 *   a run row, yet the summary counts what a real run would have done.
 * A run that fails or is interrupted keeps every batch it committed; the next run resumes from there
 * and ends with exactly the patterns an uninterrupted run would have.
 */
import { runMaintenance } from '@llm-metrics/db/maintenance';
import type { MaintenanceStep } from '@llm-metrics/db/entities';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  type ExtractorState,
  ExtractionRepository,
  patternKey,
  type PublishChange,
  type Scope,
  type Watermark,
  ZERO_WATERMARK,
} from './extraction.repository';
import {
  type Assignment,
  type MinedBatch,
  type PatternDetails,
  type PatternKind,
  PatternMiners,
} from './pattern-miners';
import { RowPreparer } from './row-preparer';
import type { RunOptions } from './run-options';

export type ExtractionErrorCode = 'LOCK_HELD' | 'INTERRUPTED';

export class ExtractionError extends Error {
  constructor(
    readonly code: ExtractionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }
}

export interface BatchProgress {
  readonly batch: number;
  readonly rows: number;
  readonly rowsRead: number;
  readonly watermark: Watermark;
}

export interface RunHooks {
  /** Called with every batch's assignments, in row order, before the batch commits. */
  readonly onAssignments?: (assignments: readonly Assignment[]) => Promise<void> | void;
  /**
   * Called when a pattern's totals move to another fingerprint, before the batch commits: a prompt
   * template's to the template its rows match now (one that generalised; see
   * `rehomeStaleTemplates`), an error signature's to the older family it joined.
   */
  readonly onPatternMoved?: (patternType: PatternKind, from: string, to: string) => void;
  /** Called after each batch commits. Tests throw here to kill a run after batch k. */
  readonly afterBatch?: (progress: BatchProgress) => Promise<void> | void;
  /** Called once the run knows how many rows are waiting (only when `countPending`). */
  readonly onPending?: (rows: number) => void;
  readonly countPending?: boolean;
  /** Aborting stops the run between batches; what was committed stays. */
  readonly signal?: AbortSignal;
}

export interface RunSummary {
  readonly runId: string | null;
  readonly mode: 'incremental' | 'full' | 'dry_run';
  readonly status: 'succeeded' | 'failed' | 'abandoned';
  readonly rowsRead: number;
  readonly batches: number;
  readonly created: number;
  readonly updated: number;
  readonly retired: number;
  readonly abandonedRuns: number;
  readonly ms: number;
  readonly watermarkBefore: Watermark;
  readonly watermarkAfter: Watermark;
  readonly maintenance: MaintenanceStep[];
  readonly error: string | null;
}

/** Distinct patterns a run created, updated and retired (a pattern counts once, by its net change). */
class ChangeCounter {
  private readonly created = new Set<string>();
  private readonly updated = new Set<string>();
  private readonly retired = new Set<string>();

  apply(changes: readonly PublishChange[]): void {
    for (const { action, key } of changes) {
      if (action === 'created') {
        this.created.add(key);
        this.retired.delete(key);
      } else if (action === 'updated') {
        if (!this.created.has(key)) this.updated.add(key);
      } else if (this.created.delete(key)) {
        this.updated.delete(key);
      } else {
        this.updated.delete(key);
        this.retired.add(key);
      }
    }
  }

  counts() {
    return { created: this.created.size, updated: this.updated.size, retired: this.retired.size };
  }
}

export async function runExtraction(
  dataSource: DataSource,
  options: RunOptions,
  hooks: RunHooks = {},
): Promise<RunSummary> {
  const started = Date.now();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const repository = new ExtractionRepository(runner);
  try {
    if (!(await repository.tryLock())) {
      throw new ExtractionError('LOCK_HELD', 'another extraction run holds the lock');
    }
    try {
      return await new Run(dataSource, runner, repository, options, hooks, started).execute();
    } finally {
      await repository.unlock();
    }
  } finally {
    await runner.release();
  }
}

class Run {
  private readonly scope: Scope;
  private readonly mode: RunSummary['mode'];
  private readonly changes = new ChangeCounter();
  private runId: string | null = null;
  private rowsRead = 0;
  private batches = 0;
  private abandonedRuns = 0;
  private watermarkBefore: Watermark = ZERO_WATERMARK;
  private watermark: Watermark = ZERO_WATERMARK;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: QueryRunner,
    private readonly repository: ExtractionRepository,
    private readonly options: RunOptions,
    private readonly hooks: RunHooks,
    private readonly started: number,
  ) {
    this.scope = options.full ? 'rebuild' : 'live';
    this.mode = options.dryRun ? 'dry_run' : options.full ? 'full' : 'incremental';
  }

  async execute(): Promise<RunSummary> {
    if (this.options.dryRun) await this.runner.startTransaction();
    try {
      const state = await this.begin();
      await this.mine(state);
      const maintenance = await this.maintain();
      const failedStep = maintenance.find((step) => !step.ok);
      const error =
        failedStep === undefined ? null : `maintenance step ${failedStep.name} failed: ${failedStep.error}`;
      return await this.finish(error === null ? 'succeeded' : 'failed', error, maintenance);
    } catch (error) {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction();
      const interrupted = error instanceof ExtractionError && error.code === 'INTERRUPTED';
      const summary = await this.finish(interrupted ? 'abandoned' : 'failed', messageOf(error), []);
      if (!interrupted) Object.defineProperty(summary, 'cause', { value: error, enumerable: false });
      return summary;
    }
  }

  private async begin(): Promise<ExtractorState> {
    this.abandonedRuns = await this.repository.abandonStaleRuns();
    let state: ExtractorState = { watermark: ZERO_WATERMARK, minerState: null, rowsMined: 0 };
    if (this.options.full) await this.repository.clearRebuild();
    else state = (await this.repository.loadState('live')) ?? state;
    this.watermarkBefore = state.watermark;
    this.watermark = state.watermark;
    if (!this.options.dryRun) {
      this.runId = await this.repository.startRun(
        this.options.full ? 'full' : 'incremental',
        state.watermark,
        {
          ...this.options,
        },
      );
    }
    if (this.hooks.countPending === true) {
      this.hooks.onPending?.((await this.repository.pending(state.watermark)).rows);
    }
    return state;
  }

  private async mine(state: ExtractorState): Promise<void> {
    const preparer = RowPreparer.start();
    try {
      await this.mineWith(state, preparer);
    } finally {
      await preparer.close();
    }
  }

  private async mineWith(state: ExtractorState, preparer: RowPreparer): Promise<void> {
    const miners = new PatternMiners(state.minerState);
    const thresholds = { minSupport: this.options.minSupport, minQuality: this.options.minQuality };
    const range = { since: this.options.since, until: this.options.until };
    let rowsMined = state.rowsMined;
    let promptTemplates: string[] = [];
    const codeForEveryRow = this.hooks.onAssignments !== undefined;
    let rows = await this.repository.readBatch(this.watermark, this.options.batchSize, range);
    let prepared = await preparer.prepare(rows, codeForEveryRow);
    for (;;) {
      if (this.hooks.signal?.aborted === true) {
        throw new ExtractionError('INTERRUPTED', `interrupted (${describeReason(this.hooks.signal.reason)})`);
      }
      if (rows.length === 0) break;
      const last = rows[rows.length - 1] as (typeof rows)[number];
      const watermark = { xid: last.insert_xid, id: last.history_id };
      const isLastBatch = rows.length < this.options.batchSize;
      // The next batch is read first (the batch's writes that the connection runs after it do not
      // change what it reads), then prepared on the preparer's thread while this one is mined and
      // written.
      const nextRows = isLastBatch
        ? []
        : await this.repository.readBatch(watermark, this.options.batchSize, range);
      const nextPrepared = preparer.prepare(nextRows, codeForEveryRow);
      nextPrepared.catch(() => undefined);
      const mined = miners.mineBatch(rows, prepared);
      promptTemplates = mined.promptTemplates;
      rowsMined += rows.length;
      await this.hooks.onAssignments?.(mined.assignments);
      await this.inTransaction(async () => {
        await this.repository.addTallies(this.scope, mined.tallies, mined.details);
        const moved = [
          ...(await this.rehomeStaleTemplates(miners, promptTemplates, rowsMined)),
          ...(await this.rehomeErrorSignatures(mined)),
        ];
        if (this.scope === 'live') {
          const keys = [
            ...new Set([
              ...mined.details.map((entry) => patternKey(entry.patternType, entry.fingerprint)),
              ...moved,
            ]),
          ];
          this.changes.apply(await this.repository.publish(thresholds, promptTemplates, keys));
        }
        await this.repository.saveState(this.scope, {
          watermark,
          minerState: miners.exportState(),
          rowsMined,
        });
        if (this.runId !== null) {
          await this.repository.recordProgress(this.runId, {
            rowsRead: this.rowsRead + rows.length,
            watermark,
            ...this.changes.counts(),
          });
        }
      });
      this.watermark = watermark;
      this.rowsRead += rows.length;
      this.batches += 1;
      await this.hooks.afterBatch?.({
        batch: this.batches,
        rows: rows.length,
        rowsRead: this.rowsRead,
        watermark,
      });
      if (isLastBatch) break;
      rows = nextRows;
      prepared = await nextPrepared;
    }
    // Nothing new: the templates are those of the state the run started from.
    if (this.batches === 0) promptTemplates = miners.mineBatch([]).promptTemplates;
    await this.inTransaction(async () => {
      if (this.options.full) await this.repository.swapRebuildIn();
      this.changes.apply(await this.repository.publish(thresholds, promptTemplates, null));
      if (this.runId !== null) {
        await this.repository.recordProgress(this.runId, {
          rowsRead: this.rowsRead,
          watermark: this.watermark,
          ...this.changes.counts(),
        });
      }
    });
  }

  /**
   * A prompt template's text, hence its fingerprint, changes while its first rows teach the miner its
   * slots; rows counted before (in an earlier batch) sit under the old fingerprint. Their totals move
   * to the template their example row matches now, so the totals do not depend on where batches
   * ended. One whose row matches no current template is an orphan, asked again for a while (see
   * `staleTemplates`): the template that takes it may come later. Returns the keys of the templates
   * that received totals.
   */
  private async rehomeStaleTemplates(
    miners: PatternMiners,
    current: readonly string[],
    rowsMined: number,
  ): Promise<string[]> {
    const received: string[] = [];
    for (const stale of await this.repository.staleTemplates(this.scope, current, rowsMined)) {
      const home = stale.example === null ? null : miners.promptHome(stale.example);
      if (home !== null && home.current && home.fingerprint !== stale.fingerprint) {
        await this.repository.moveCandidate(
          this.scope,
          'high_quality_prompt',
          stale.fingerprint,
          home.fingerprint,
          home.details,
        );
        this.hooks.onPatternMoved?.('high_quality_prompt', stale.fingerprint, home.fingerprint);
        received.push(patternKey('high_quality_prompt', home.fingerprint));
      } else if (!stale.orphan) {
        await this.repository.markOrphan(this.scope, stale.fingerprint, rowsMined);
      }
    }
    return received;
  }

  /**
   * The totals of error signatures that ceased in the batch (`MinedBatch.errorMoves`) move to the
   * family that absorbed them, whose details the batch holds (a row of it made the families one).
   * Returns the keys of the signatures that received totals.
   */
  private async rehomeErrorSignatures(mined: MinedBatch): Promise<string[]> {
    const received: string[] = [];
    for (const { from, to } of mined.errorMoves) {
      // The row that made the last of the families one is in the batch, so its details are.
      const target = mined.details.find(
        (entry) => entry.patternType === 'common_error' && entry.fingerprint === to,
      ) as PatternDetails;
      await this.repository.moveCandidate(this.scope, 'common_error', from, to, target.details);
      this.hooks.onPatternMoved?.('common_error', from, to);
      received.push(patternKey('common_error', to));
    }
    return received;
  }

  /**
   * After mining, what the nightly job also keeps up (the db package's `runMaintenance`): partitions
   * ahead, the metrics and history rollups, and retention when a window is configured.
   */
  private async maintain(): Promise<MaintenanceStep[]> {
    if (this.options.dryRun || this.options.skipMaintenance) return [];
    return runMaintenance(this.dataSource, { retention: this.options.retention });
  }

  private async finish(
    status: RunSummary['status'],
    error: string | null,
    maintenance: MaintenanceStep[],
  ): Promise<RunSummary> {
    if (this.options.dryRun && this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    if (this.runId !== null) await this.repository.finishRun(this.runId, { status, error, maintenance });
    return {
      runId: this.runId,
      mode: this.mode,
      status,
      rowsRead: this.rowsRead,
      batches: this.batches,
      ...this.changes.counts(),
      abandonedRuns: this.abandonedRuns,
      ms: Date.now() - this.started,
      watermarkBefore: this.watermarkBefore,
      watermarkAfter: this.watermark,
      maintenance,
      error,
    };
  }

  /** A batch's own transaction; in a dry run everything already sits in the one to roll back. */
  private async inTransaction(work: () => Promise<void>): Promise<void> {
    if (this.options.dryRun) return work();
    await this.runner.startTransaction();
    try {
      await work();
      await this.runner.commitTransaction();
    } catch (error) {
      await this.runner.rollbackTransaction();
      throw error;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeReason(reason: unknown): string {
  return typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'aborted';
}
