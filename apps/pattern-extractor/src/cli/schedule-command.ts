import { Cron } from 'croner';
import type { DataSource } from 'typeorm';
import type { RunOptions } from '../job/run-options';
import type { Output } from './output';
import { EXIT_DONE, runCommand } from './run-command';

/**
 * `extract schedule`: stays up and starts a run at every tick of `cron` (UTC), for deployments
 * without an external scheduler. A tick that finds a run still going is skipped; a run refused by
 * the lock (another process) is logged and the schedule goes on. SIGINT or SIGTERM stop the
 * schedule and interrupt a run between batches (its committed batches stay), then exit 0.
 */
export async function scheduleCommand(
  dataSource: DataSource,
  options: RunOptions,
  cron: string,
  output: Output,
  stopSignal: AbortSignal,
): Promise<number> {
  let running: Promise<unknown> = Promise.resolve();
  const job = new Cron(cron, { timezone: 'UTC', protect: true }, async () => {
    const run = runCommand(dataSource, options, output, { signal: stopSignal }).then(
      (code) =>
        output.info('scheduled run ended', {
          exit_code: code,
          next_run: job.nextRun()?.toISOString() ?? null,
        }),
      (error: unknown) => output.error('scheduled run failed', { error: (error as Error).message }),
    );
    running = run;
    await run;
  });
  output.info('schedule started', { cron, next_run: job.nextRun()?.toISOString() ?? null });
  if (!stopSignal.aborted)
    await new Promise((resolve) => stopSignal.addEventListener('abort', resolve, { once: true }));
  job.stop();
  await running;
  output.info('schedule stopped', { reason: String(stopSignal.reason) });
  return EXIT_DONE;
}
