import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { DbError } from './errors';
import { type GenerationInput, type PreparedGeneration, prepareGeneration } from './generation';
import { loadPriceBook, type PriceBook } from './pricing';

export interface CollectorOptions {
  /** Rows per INSERT; a full batch is written at once. Default 1,000. */
  readonly batchSize?: number;
  /** A partial batch waits at most this long. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
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

/** A database error caused by the rows themselves (SQLSTATE class 22, 23, 42): retrying cannot help. */
function isCausedByRows(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|42)/.test(code);
}

/**
 * Records generations into `llm_generation_metrics` (and `llm_generation_history` when the prompt
 * or code is given), the way the source system planned: cheap for the caller, batched, and never
 * losing a row it accepted. Rows get their ids here, so a batch retried after an unclear failure
 * cannot be written twice. Close it on shutdown: `process.once('SIGTERM', () => collector.close())`.
 */
export class LLMMetricsCollector {
  private readonly buffer: PreparedGeneration[] = [];
  private readonly spaceWaiters: (() => void)[] = [];
  private readonly flushWaiters: { readonly upTo: number; readonly resolve: () => void }[] = [];
  private writing: Promise<void> | undefined;
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
      while (this.buffer.length >= this.options.maxBuffered) {
        if (this.options.whenFull === 'reject') {
          throw new DbError('COLLECTOR_FULL', `${this.buffer.length} rows are waiting to be written`);
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
    if (this.settled() >= upTo) return Promise.resolve();
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
    return { ...this.counts, buffered: this.buffer.length };
  }

  /** Reloads the prices now (they are also reloaded every `priceRefreshMs`). */
  async refreshPrices(): Promise<void> {
    this.prices = await loadPriceBook(this.dataSource);
  }

  /** Rows the database has committed or refused, in recording order. */
  private settled(): number {
    return this.counts.recorded - this.buffer.length;
  }

  private startWriting(): void {
    this.writing ??= this.writeWhileDue().finally(() => {
      this.writing = undefined;
      if (this.writeIsDue()) this.startWriting();
    });
  }

  /** A full batch is always due; a partial one when the interval elapsed, or on flush and close. */
  private writeIsDue(): boolean {
    if (this.buffer.length >= this.options.batchSize) return true;
    return this.buffer.length > 0 && (this.intervalElapsed || this.flushWaiters.length > 0 || this.closed);
  }

  private async writeWhileDue(): Promise<void> {
    while (this.writeIsDue()) {
      const batch = this.buffer.slice(0, this.options.batchSize);
      await this.writeWithRetry(batch);
      this.buffer.splice(0, batch.length);
      if (this.buffer.length === 0) this.intervalElapsed = false;
      this.wakeWaiters();
    }
  }

  private wakeWaiters(): void {
    const room = this.options.maxBuffered - this.buffer.length;
    for (const wake of this.spaceWaiters.splice(0, room)) wake();
    const settled = this.settled();
    for (let i = this.flushWaiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.flushWaiters[i]!;
      if (waiter.upTo <= settled) {
        this.flushWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** Retries with backoff until the database takes the batch; rows it refuses are isolated and reported. */
  private async writeWithRetry(batch: readonly PreparedGeneration[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await insertBatch(this.dataSource, batch);
        this.counts.written += batch.length;
        return;
      } catch (error) {
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

/**
 * One batch, one transaction: a multi-row INSERT per table from column arrays (`unnest`). Ids come
 * from the client, so `ON CONFLICT (id) DO NOTHING` makes a retry after an unclear commit harmless.
 */
async function insertBatch(dataSource: DataSource, batch: readonly PreparedGeneration[]): Promise<void> {
  const metrics = batch.map((row) => row.metrics);
  const history = batch.flatMap((row) => (row.history === null ? [] : [row.history]));
  const insertMetrics = [
    `INSERT INTO llm_generation_metrics (
       id, correlation_id, session_id, node_type, service_name, method_name, operation_type, tier, model_used,
       tokens_input, tokens_output, tokens_total, tokens_cached_input, tokens_cache_write, tokens_reasoning,
       latency_ms, cost_usd, cost_status, price_version_id, syntax_valid, onex_compliant, has_type_hints,
       security_issues, finish_reason, truncated, prompt_length, response_length, created_at)
     SELECT * FROM unnest(
       $1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[],
       $9::varchar[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::int[], $16::float8[],
       $17::numeric[], $18::varchar[], $19::uuid[], $20::bool[], $21::bool[], $22::bool[], $23::jsonb[],
       $24::varchar[], $25::bool[], $26::int[], $27::int[], $28::timestamptz[])
     ON CONFLICT (id) DO NOTHING`,
    [
      metrics.map((row) => row.id),
      metrics.map((row) => row.correlation_id),
      metrics.map((row) => row.session_id),
      metrics.map((row) => row.node_type),
      metrics.map((row) => row.service_name),
      metrics.map((row) => row.method_name),
      metrics.map((row) => row.operation_type),
      metrics.map((row) => row.tier),
      metrics.map((row) => row.model_used),
      metrics.map((row) => row.tokens_input),
      metrics.map((row) => row.tokens_output),
      metrics.map((row) => row.tokens_total),
      metrics.map((row) => row.tokens_cached_input),
      metrics.map((row) => row.tokens_cache_write),
      metrics.map((row) => row.tokens_reasoning),
      metrics.map((row) => row.latency_ms),
      metrics.map((row) => row.cost_usd),
      metrics.map((row) => row.cost_status),
      metrics.map((row) => row.price_version_id),
      metrics.map((row) => row.syntax_valid),
      metrics.map((row) => row.onex_compliant),
      metrics.map((row) => row.has_type_hints),
      metrics.map((row) => JSON.stringify(row.security_issues)),
      metrics.map((row) => row.finish_reason),
      metrics.map((row) => row.truncated),
      metrics.map((row) => row.prompt_length),
      metrics.map((row) => row.response_length),
      metrics.map((row) => row.created_at.toISOString()),
    ],
  ] as const;
  if (history.length === 0) {
    await dataSource.query(...insertMetrics);
    return;
  }
  await dataSource.transaction(async (manager) => {
    await manager.query(...insertMetrics);
    await manager.query(
      `INSERT INTO llm_generation_history (
         id, correlation_id, node_type, method_name, prompt_text, generated_code, quality_score,
         validation_passed, user_accepted, user_feedback, manual_edits_required, created_at)
       SELECT * FROM unnest(
         $1::uuid[], $2::uuid[], $3::varchar[], $4::varchar[], $5::text[], $6::text[], $7::float8[],
         $8::bool[], $9::bool[], $10::text[], $11::bool[], $12::timestamptz[])
       ON CONFLICT (id) DO NOTHING`,
      [
        history.map((row) => row.id),
        history.map((row) => row.correlation_id),
        history.map((row) => row.node_type),
        history.map((row) => row.method_name),
        history.map((row) => row.prompt_text),
        history.map((row) => row.generated_code),
        history.map((row) => row.quality_score),
        history.map((row) => row.validation_passed),
        history.map((row) => row.user_accepted),
        history.map((row) => row.user_feedback),
        history.map((row) => row.manual_edits_required),
        history.map((row) => row.created_at.toISOString()),
      ],
    );
  });
}
