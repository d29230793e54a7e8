import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { copyBatch, insertBatch } from './batch-writes';
import { DbError } from './errors';
import { type GenerationInput, type PreparedGeneration, prepareGeneration } from './generation';
import { loadPriceBook, type PriceBook } from './pricing';

export interface CollectorOptions {
  /** Rows per batch; a full batch is written at once. Default 1,000. */
  readonly batchSize?: number;
  /** A partial batch waits at most this long. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
  /** Batches written at once, each on its own connection. Default 2. */
  readonly writers?: number;
  /** Rows held in memory at most (unwritten ones included). Default 20,000. */
  readonly maxBuffered?: number;
  /** When the buffer is full: `wait` (backpressure, the default) or `reject` (`COLLECTOR_FULL`). */
  readonly whenFull?: 'wait' | 'reject';
  /** Backoff between retries while the database is unavailable. Default 100 ms doubling to 5 s. */
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
  /** How often prices are reloaded. Default 60 s. */
  readonly priceRefreshMs?: number;
  /** Told about every retried failure, failed price refresh and row the database refused. */
  readonly onError?: (error: unknown, context: { readonly rows?: readonly PreparedGeneration[] }) => void;
  /** The clock that stamps rows without `created_at` (tests fix it). */
  readonly now?: () => Date;
}

export interface CollectorStats {
  /** Accepted by `record()`. */
  readonly recorded: number;
  /** Committed to the database. */
  readonly written: number;
  /** Batch writes retried after a failure. */
  readonly retried: number;
  /** Refused by `record()`: invalid, buffer full (with `whenFull: 'reject'`) or closed. */
  readonly rejected: number;
  /** Refused by the database itself (reported through `onError`); validation makes this 0. */
  readonly failed: number;
  /** Accepted and not yet committed. */
  readonly buffered: number;
}

/** A row id that is already stored: the batch is then finished with the idempotent INSERT. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

/**
 * A database error caused by the rows themselves (SQLSTATE class 22 data exception, 23 integrity):
 * retrying cannot help. Anything else (connection loss, a missing table) is retried, rows kept.
 */
function isCausedByRows(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23)/.test(code);
}

/**
 * Records generations into `llm_generation_metrics` (and `llm_generation_history` when the prompt
 * or code is given), the way the source system planned: cheap for the caller, batched, and never
 * losing a row it accepted. Rows get their ids here, so a batch retried after an unclear failure
 * cannot be written twice. Close it on shutdown: `process.once('SIGTERM', () => collector.close())`.
 */
export class LLMMetricsCollector {
  /** Rows not yet handed to a writer, oldest first. */
  private readonly buffer: PreparedGeneration[] = [];
  /** Rows handed to writers so far; row n (0-based, in recording order) is the n-th taken. */
  private taken = 0;
  /** Batches being written: the number of their first row → their size. */
  private readonly inFlight = new Map<number, number>();
  private inFlightRows = 0;
  private activeWriters = 0;
  private readonly spaceWaiters: (() => void)[] = [];
  private readonly flushWaiters: { readonly upTo: number; readonly resolve: () => void }[] = [];
  private intervalElapsed = false;
  private closed = false;
  private counts = { recorded: 0, written: 0, retried: 0, rejected: 0, failed: 0 };
  private readonly timers: NodeJS.Timeout[];

  private constructor(
    private readonly dataSource: DataSource,
    private prices: PriceBook,
    private readonly options: Required<Omit<CollectorOptions, 'onError'>> & Pick<CollectorOptions, 'onError'>,
  ) {
    this.timers = [
      setInterval(() => {
        this.intervalElapsed = true;
        this.startWriting();
      }, options.flushIntervalMs),
      setInterval(
        () => void this.refreshPrices().catch((error: unknown) => this.report(error)),
        options.priceRefreshMs,
      ),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** Loads the prices and starts a collector; nothing is queried per recorded row afterwards. */
  static async create(dataSource: DataSource, options: CollectorOptions = {}): Promise<LLMMetricsCollector> {
    const settings = {
      batchSize: options.batchSize ?? 1_000,
      flushIntervalMs: options.flushIntervalMs ?? 1_000,
      writers: options.writers ?? 2,
      maxBuffered: options.maxBuffered ?? 20_000,
      whenFull: options.whenFull ?? 'wait',
      retryDelayMs: options.retryDelayMs ?? { initial: 100, max: 5_000 },
      priceRefreshMs: options.priceRefreshMs ?? 60_000,
      now: options.now ?? (() => new Date()),
      onError: options.onError,
    };
    if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1 || settings.batchSize > 10_000) {
      throw new DbError('VALIDATION_FAILED', 'batchSize must be an integer from 1 to 10000', {
        field: 'batchSize',
      });
    }
    if (!Number.isInteger(settings.writers) || settings.writers < 1 || settings.writers > 16) {
      throw new DbError('VALIDATION_FAILED', 'writers must be an integer from 1 to 16', { field: 'writers' });
    }
    if (!Number.isInteger(settings.maxBuffered) || settings.maxBuffered < settings.batchSize) {
      throw new DbError('VALIDATION_FAILED', 'maxBuffered must be an integer >= batchSize', {
        field: 'maxBuffered',
      });
    }
    return new LLMMetricsCollector(dataSource, await loadPriceBook(dataSource), settings);
  }

  /**
   * Validates, derives and buffers one generation. Resolves once it is accepted (not yet written),
   * with the ids it will be stored under; waits while the buffer is full, unless configured to reject.
   * Invalid input throws `VALIDATION_FAILED` naming the field.
   */
  async record(generation: GenerationInput): Promise<{ id: string; correlation_id: string }> {
    let prepared: PreparedGeneration;
    try {
      if (this.closed) throw new DbError('COLLECTOR_CLOSED', 'the collector is closed');
      prepared = prepareGeneration(generation, this.prices, this.options.now());
      while (this.buffered() >= this.options.maxBuffered) {
        if (this.options.whenFull === 'reject') {
          throw new DbError('COLLECTOR_FULL', `${this.buffered()} rows are waiting to be written`);
        }
        await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        if (this.closed) throw new DbError('COLLECTOR_CLOSED', 'the collector was closed while waiting');
      }
    } catch (error) {
      this.counts.rejected += 1;
      throw error;
    }
    this.buffer.push(prepared);
    this.counts.recorded += 1;
    if (this.buffer.length >= this.options.batchSize) this.startWriting();
    return { id: prepared.metrics.id, correlation_id: prepared.metrics.correlation_id };
  }

  /** Resolves when everything recorded before the call is written (retrying as long as it takes). */
  flush(): Promise<void> {
    const upTo = this.counts.recorded;
    if (this.firstUnsettled() >= upTo) return Promise.resolve();
    const flushed = new Promise<void>((resolve) => this.flushWaiters.push({ upTo, resolve }));
    this.startWriting();
    return flushed;
  }

  /** Stops accepting rows, writes everything buffered, and stops the timers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const wake of this.spaceWaiters.splice(0)) wake();
    await this.flush();
  }

  stats(): CollectorStats {
    return { ...this.counts, buffered: this.buffered() };
  }

  /** Reloads the prices now (they are also reloaded every `priceRefreshMs`). */
  async refreshPrices(): Promise<void> {
    this.prices = await loadPriceBook(this.dataSource);
  }

  private buffered(): number {
    return this.buffer.length + this.inFlightRows;
  }

  /** Every row recorded before this one (in recording order) is committed or refused. */
  private firstUnsettled(): number {
    let first = this.taken;
    for (const start of this.inFlight.keys()) first = Math.min(first, start);
    return first;
  }

  /** Starts writers, up to `writers`, while a batch is due; batches may commit out of order. */
  private startWriting(): void {
    while (this.activeWriters < this.options.writers && this.writeIsDue()) {
      this.activeWriters += 1;
      void this.writeWhileDue().finally(() => {
        this.activeWriters -= 1;
        this.startWriting();
      });
    }
  }

  /** A full batch is always due; a partial one when the interval elapsed, or on flush and close. */
  private writeIsDue(): boolean {
    if (this.buffer.length >= this.options.batchSize) return true;
    return this.buffer.length > 0 && (this.intervalElapsed || this.flushWaiters.length > 0 || this.closed);
  }

  private async writeWhileDue(): Promise<void> {
    while (this.writeIsDue()) {
      const start = this.taken;
      const batch = this.buffer.splice(0, this.options.batchSize);
      this.taken += batch.length;
      this.inFlight.set(start, batch.length);
      this.inFlightRows += batch.length;
      if (this.buffer.length === 0) this.intervalElapsed = false;
      await this.writeWithRetry(batch);
      this.inFlight.delete(start);
      this.inFlightRows -= batch.length;
      this.wakeWaiters();
    }
  }

  private wakeWaiters(): void {
    const room = this.options.maxBuffered - this.buffered();
    for (const wake of this.spaceWaiters.splice(0, Math.max(room, 0))) wake();
    const firstUnsettled = this.firstUnsettled();
    for (let i = this.flushWaiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.flushWaiters[i]!;
      if (waiter.upTo <= firstUnsettled) {
        this.flushWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** Retries with backoff until the database takes the batch; rows it refuses are isolated and reported. */
  private async writeWithRetry(batch: readonly PreparedGeneration[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        // After a failure the batch may have been committed anyway: only the idempotent path is safe.
        await (attempt === 0 ? copyBatch : insertBatch)(this.dataSource, batch);
        this.counts.written += batch.length;
        return;
      } catch (error) {
        if (attempt === 0 && isUniqueViolation(error)) continue;
        if (isCausedByRows(error)) return this.isolateRefusedRows(batch, error);
        this.counts.retried += 1;
        this.report(error, batch);
        const { initial, max } = this.options.retryDelayMs;
        await sleep(Math.min(max, initial * 2 ** Math.min(attempt, 30)) * (0.5 + Math.random() / 2));
      }
    }
  }

  private async isolateRefusedRows(batch: readonly PreparedGeneration[], error: unknown): Promise<void> {
    if (batch.length === 1) {
      this.counts.failed += 1;
      this.report(error, batch);
      return;
    }
    const middle = Math.ceil(batch.length / 2);
    await this.writeWithRetry(batch.slice(0, middle));
    await this.writeWithRetry(batch.slice(middle));
  }

  private report(error: unknown, rows?: readonly PreparedGeneration[]): void {
    try {
      this.options.onError?.(error, rows === undefined ? {} : { rows });
    } catch {
      // A failing error handler must not stop the writer that keeps the rows.
    }
  }
}
