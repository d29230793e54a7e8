import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { DataSource } from 'typeorm';
import { ExtractionError, runExtraction, type RunSummary } from '../job/extraction-job';
import { type Assignment, movedTo, type PatternKind } from '../job/pattern-miners';
import type { RunOptions } from '../job/run-options';
import { UsageError } from './arguments';
import { type Output, summaryFields } from './output';

export const EXIT_DONE = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_ARGUMENTS = 2;
export const EXIT_LOCK_HELD = 3;

/** One run with progress, logs and summary; returns the process exit code. */
export async function runCommand(
  dataSource: DataSource,
  options: RunOptions,
  output: Output,
  { assignmentsPath = null, signal }: { assignmentsPath?: string | null; signal?: AbortSignal } = {},
): Promise<number> {
  const assignments = assignmentsPath === null ? null : await openAssignments(assignmentsPath);
  const moves: Moves = {
    high_quality_prompt: new Map(),
    common_error: new Map(),
    successful_implementation: new Map(),
  };
  let summary: RunSummary;
  try {
    output.info('extraction run started', {
      mode: options.dryRun ? 'dry_run' : options.full ? 'full' : 'incremental',
    });
    summary = await runExtraction(dataSource, options, {
      countPending: !output.json,
      onPending: (rows) => output.progressStart(rows),
      onAssignments: assignments === null ? undefined : (rows) => writeAssignments(assignments, rows),
      onPatternMoved:
        assignments === null ? undefined : (patternType, from, to) => void moves[patternType].set(from, to),
      afterBatch: (progress) => {
        if (output.json)
          output.info('batch committed', {
            batch: progress.batch,
            rows: progress.rows,
            rows_read: progress.rowsRead,
          });
        else output.progressTo(progress.rowsRead);
      },
      signal,
    });
  } catch (error) {
    output.progressStop();
    if (error instanceof ExtractionError && error.code === 'LOCK_HELD') {
      output.error('another extraction run holds the lock; nothing done');
      return EXIT_LOCK_HELD;
    }
    throw error;
  } finally {
    if (assignments !== null) {
      assignments.end();
      await once(assignments, 'close');
    }
  }
  output.progressStop();
  const moved = Object.values(moves).some((map) => map.size > 0);
  if (assignmentsPath !== null && summary.status === 'succeeded' && moved) {
    await rehomeAssignments(assignmentsPath, moves);
  }
  const fields = summaryFields(summary);
  if (summary.status === 'succeeded') {
    output.info(options.dryRun ? 'dry run done (nothing written)' : 'extraction run done', fields);
    return EXIT_DONE;
  }
  output.error(`extraction run ${summary.status}`, fields);
  return EXIT_FAILED;
}

/** Opens the assignments file before any row is mined: a path that cannot be written is a bad argument. */
async function openAssignments(filePath: string): Promise<WriteStream> {
  const stream = createWriteStream(filePath);
  try {
    await once(stream, 'open');
    return stream;
  } catch (error) {
    throw new UsageError(`--assignments ${filePath} cannot be written: ${(error as Error).message}`);
  }
}

async function writeAssignments(stream: WriteStream, rows: readonly Assignment[]): Promise<void> {
  const text = rows.map((row) => JSON.stringify(row)).join('\n');
  if (text !== '' && !stream.write(`${text}\n`)) await once(stream, 'drain');
}

/**
 * Per pattern type, the fingerprints that moved during the run (prompt templates that generalised,
 * error signatures whose families joined an older one): old fingerprint → the one its rows moved to.
 */
type Moves = Record<PatternKind, Map<string, string>>;

/**
 * Rewrites the assignments file so that each row names the prompt template and the error signature
 * it is counted under at the end of the run: a row mined while its template was young names the
 * fingerprint the template had then, whose totals moved on as it generalised (so does a row of an
 * error family that joined another). Line by line, through a file beside it renamed over it, so
 * memory stays flat and a crash leaves the file as the run wrote it.
 */
async function rehomeAssignments(filePath: string, moves: Moves): Promise<void> {
  const rewritten = `${filePath}.rehoming`;
  const out = createWriteStream(rewritten);
  await once(out, 'open');
  for await (const line of createInterface({ input: createReadStream(filePath), crlfDelay: Infinity })) {
    if (line === '') continue;
    const assignment = JSON.parse(line) as Assignment;
    const rehomed = {
      ...assignment,
      prompt_template: movedTo(moves.high_quality_prompt, assignment.prompt_template),
      error_signature:
        assignment.error_signature === null ? null : movedTo(moves.common_error, assignment.error_signature),
    };
    if (!out.write(`${JSON.stringify(rehomed)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  await rename(rewritten, filePath);
}
