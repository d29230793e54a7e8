import { getCostReport, type CostReportRow } from '@llm-metrics/db/reports';
import { ROLLUP_NAME } from '@llm-metrics/db/rollups';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

const HOUR_MS = 3_600_000;
/** Before any generation this product can have recorded; hour-aligned, so no partial hour is read raw. */
const BEGINNING = new Date('2000-01-01T00:00:00Z');

export interface RollupLag {
  readonly pendingRows: number;
  /** Null before the first refresh. */
  readonly ageSeconds: number | null;
}

export interface ExtractionRun {
  readonly status: string;
  /** Null while the run is still going. */
  readonly finishedAt: Date | null;
}

/** What a scrape reads: all of it through the rollups or small tables, so a scrape costs O(buckets). */
@Injectable()
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Totals by tier and model since the beginning, through the report path (daily and hourly buckets
   * plus the rows above the watermark), up to the next whole hour so the current one is included.
   */
  getTotalsByTierAndModel(now: Date): Promise<CostReportRow[]> {
    const to = new Date((Math.floor(now.getTime() / HOUR_MS) + 2) * HOUR_MS);
    return getCostReport(this.dataSource, { from: BEGINNING, to, groupBy: ['tier', 'model_used'] });
  }

  /** Rows above the watermark (through the insert_xid index) and the age of the last refresh. */
  async getRollupLag(): Promise<RollupLag> {
    const [row] = await this.dataSource.query<[{ pending_rows: number; age_seconds: number | null }]>(
      `SELECT (SELECT count(*)::int FROM llm_generation_metrics m
                WHERE (m.insert_xid, m.id) > (s.watermark_xid, s.watermark_id)) AS pending_rows,
              extract(epoch FROM now() - s.refreshed_at)::float8 AS age_seconds
       FROM llm_rollup_state s WHERE s.name = $1`,
      [ROLLUP_NAME],
    );
    return { pendingRows: row.pending_rows, ageSeconds: row.age_seconds };
  }

  /** The latest run of the pattern extractor (none before its first run). */
  async findLastExtractionRun(): Promise<ExtractionRun | undefined> {
    const [row] = await this.dataSource.query<{ status: string; finished_at: Date | null }[]>(
      `SELECT status, finished_at FROM llm_extraction_runs ORDER BY started_at DESC, id DESC LIMIT 1`,
    );
    return row === undefined ? undefined : { status: row.status, finishedAt: row.finished_at };
  }
}
