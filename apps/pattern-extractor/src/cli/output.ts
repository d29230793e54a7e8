/**
 * What the CLI prints: on a terminal, a progress bar and readable lines (on stderr, so stdout stays
 * for results); otherwise one JSON object per line on stdout, for log collectors.
 */
import { SingleBar } from 'cli-progress';
import type { RunSummary } from '../job/extraction-job';

export interface Output {
  readonly json: boolean;
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Starts a progress bar over `total` rows (a no-op without a terminal). */
  progressStart(total: number): void;
  progressTo(rows: number): void;
  progressStop(): void;
}

export function createOutput(interactive = process.stdout.isTTY === true): Output {
  return interactive ? new TerminalOutput() : new JsonOutput();
}

class JsonOutput implements Output {
  readonly json = true;
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.line('info', message, fields);
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.line('error', message, fields);
  }
  progressStart(): void {}
  progressTo(): void {}
  progressStop(): void {}
  private line(level: string, msg: string, fields: Record<string, unknown>): void {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  }
}

class TerminalOutput implements Output {
  readonly json = false;
  private bar: SingleBar | null = null;
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.print(message, fields);
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.print(`error: ${message}`, fields);
  }
  progressStart(total: number): void {
    this.bar = new SingleBar({
      format: 'mining [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted} left',
      stream: process.stderr,
      hideCursor: true,
    });
    this.bar.start(Math.max(total, 1), 0);
  }
  progressTo(rows: number): void {
    if (this.bar !== null && rows > this.bar.getTotal()) this.bar.setTotal(rows);
    this.bar?.update(rows);
  }
  progressStop(): void {
    this.bar?.stop();
    this.bar = null;
  }
  private print(message: string, fields: Record<string, unknown>): void {
    const extra = Object.entries(fields).map(([key, value]) => `${key}=${String(value)}`);
    process.stderr.write(`${[message, ...extra].join(' ')}\n`);
  }
}

/** The end-of-run summary: rows read, patterns created / updated / retired, time. */
export function summaryFields(summary: RunSummary): Record<string, unknown> {
  return {
    run_id: summary.runId,
    mode: summary.mode,
    status: summary.status,
    rows_read: summary.rowsRead,
    batches: summary.batches,
    patterns_created: summary.created,
    patterns_updated: summary.updated,
    patterns_retired: summary.retired,
    seconds: Number((summary.ms / 1000).toFixed(2)),
    watermark: `${summary.watermarkAfter.xid}/${summary.watermarkAfter.id}`,
    ...(summary.abandonedRuns > 0 ? { abandoned_runs_taken_over: summary.abandonedRuns } : {}),
    ...(summary.maintenance.length > 0
      ? {
          maintenance: summary.maintenance
            .map((step) => `${step.name}:${step.ok ? 'ok' : 'failed'}`)
            .join(','),
        }
      : {}),
    ...(summary.error === null ? {} : { error: summary.error }),
  };
}
