import { LlmExtractionRun } from '@llm-metrics/db/entities';
import type { DataSource } from 'typeorm';
import { ExtractionRepository, ZERO_WATERMARK } from '../job/extraction.repository';
import type { Output } from './output';

const RUNS_SHOWN = 5;

/** `extract status`: the last runs, the watermark, and the lag behind it in rows and time. */
export async function statusCommand(dataSource: DataSource, output: Output): Promise<number> {
  const runner = dataSource.createQueryRunner();
  try {
    const repository = new ExtractionRepository(runner);
    const state = await repository.loadState('live');
    const watermark = state?.watermark ?? ZERO_WATERMARK;
    const pending = await repository.pending(watermark);
    const runs = await dataSource
      .getRepository(LlmExtractionRun)
      .find({ order: { started_at: 'DESC' }, take: RUNS_SHOWN });
    const lastSuccess = await dataSource
      .getRepository(LlmExtractionRun)
      .findOne({ where: { status: 'succeeded' }, order: { started_at: 'DESC' } });
    output.info('extractor status', {
      watermark: `${watermark.xid}/${watermark.id}`,
      rows_mined: state?.rowsMined ?? 0,
      pending_rows: pending.rows,
      oldest_pending_created_at: pending.oldest?.toISOString() ?? null,
      lag_seconds: pending.oldest === null ? 0 : Math.round((Date.now() - pending.oldest.getTime()) / 1000),
      last_success_finished_at: lastSuccess?.finished_at?.toISOString() ?? null,
    });
    for (const run of runs) {
      output.info('run', {
        id: run.id,
        status: run.status,
        mode: run.mode,
        started_at: run.started_at.toISOString(),
        finished_at: run.finished_at?.toISOString() ?? null,
        rows_read: Number(run.rows_read),
        patterns_created: run.patterns_created,
        patterns_updated: run.patterns_updated,
        patterns_retired: run.patterns_retired,
        ...(run.error === null ? {} : { error: run.error }),
      });
    }
    return 0;
  } finally {
    await runner.release();
  }
}
