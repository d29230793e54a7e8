/**
 * `prepareRows` off the main thread: masking prompts and fingerprinting code need no miner state,
 * so a worker thread does it for the next batch while the main thread mines this one and
 * PostgreSQL writes the last. Where the compiled worker is not there (the sources run under a
 * TypeScript loader, as in the tests), the rows are prepared in the calling thread: the same
 * function, the same result.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type PreparableRow, type PreparedRow, prepareRows } from './pattern-miners';

export interface PrepareRequest {
  readonly id: number;
  readonly rows: readonly PreparableRow[];
  readonly codeForEveryRow: boolean;
}

/**
 * A batch prepared, as the worker sends it: each row's prompt tokens joined by NUL (which no
 * PostgreSQL text holds), one string per row, since copying strings costs per string.
 */
export interface PrepareResponse {
  readonly id: number;
  readonly tokens?: readonly string[];
  readonly code?: PreparedRow['code'][];
  readonly error?: string;
}

export const TOKEN_SEPARATOR = '\u0000';

const WORKER_FILE = path.join(__dirname, 'prepare-worker.js');

export class RowPreparer {
  private readonly pending = new Map<number, (response: PrepareResponse) => void>();
  private nextId = 0;
  private failure: Error | null = null;
  private worker: Worker | null = null;
  /** Whether a batch was prepared already: the first one is, in this thread. */
  private started = false;

  private constructor(private readonly workerFile: string | null) {}

  /**
   * A preparer that hands every batch but the first to a worker thread, when the compiled worker
   * (`workerFile`) is there, else prepares all in this thread. The first batch has nothing to
   * overlap with, and a run of one batch (an incremental run over a few new rows) starts no thread.
   */
  static start(workerFile = WORKER_FILE): RowPreparer {
    return new RowPreparer(existsSync(workerFile) ? workerFile : null);
  }

  /** Whether batches after the first are prepared on a worker thread. */
  get threaded(): boolean {
    return this.workerFile !== null;
  }

  prepare(rows: readonly PreparableRow[], codeForEveryRow: boolean): Promise<PreparedRow[]> {
    const first = !this.started;
    this.started = true;
    if (this.workerFile === null || first || rows.length === 0)
      return Promise.resolve(prepareRows(rows, { codeForEveryRow }));
    if (this.failure !== null) return Promise.reject(this.failure);
    const worker = this.worker ?? this.startWorker(this.workerFile);
    const id = this.nextId++;
    const request: PrepareRequest = {
      id,
      codeForEveryRow,
      rows: rows.map((row) => ({
        prompt_text: row.prompt_text,
        method_name: row.method_name,
        generated_code: row.generated_code,
        user_accepted: row.user_accepted,
        validation_passed: row.validation_passed,
        manual_edits_required: row.manual_edits_required,
      })),
    };
    return new Promise<PreparedRow[]>((resolve, reject) => {
      this.pending.set(id, (response) => {
        if (response.error !== undefined) reject(new Error(response.error));
        else
          resolve(
            (response.tokens ?? []).map((joined, index) => ({
              promptTokens: joined === '' ? [] : joined.split(TOKEN_SEPARATOR),
              code: response.code?.[index] ?? null,
            })),
          );
      });
      worker.postMessage(request);
    });
  }

  private startWorker(workerFile: string): Worker {
    // Its young generation is kept small: its batches are short-lived garbage, and the run's
    // peak RSS counts both threads.
    const worker = new Worker(workerFile, { resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    worker.on('message', (response: PrepareResponse) => {
      this.pending.get(response.id)?.(response);
      this.pending.delete(response.id);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the row-preparing worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    worker.removeAllListeners('exit');
    await worker.terminate();
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const settle of this.pending.values()) settle({ id: -1, error: error.message });
    this.pending.clear();
  }
}
