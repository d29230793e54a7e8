import {
  type CostReportRow,
  getCostReport,
  getLatencyReport,
  getQualityReport,
  getTopQualityGenerations,
  type LatencyReportRow,
  type QualityReportRow,
  REPORT_GROUP_FIELDS,
  type ReportGroup,
  type ReportGroupField,
  type ReportRange,
} from '@llm-metrics/db/reports';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FreshCoalescer } from '../common/fresh-coalescer';
import { DAY_MS, resolveRange } from '../common/query';
import { DEFAULT_GROUP_BY, type ReportQueryDto, type TopGenerationsQueryDto } from './analytics.dto';

/** Reports default to the seed's 7 days and span at most a year (rollups keep long ranges cheap). */
const REPORT_RANGE = { defaultMs: 7 * DAY_MS, maxMs: 366 * DAY_MS };

/** A report as served: rows holding only the grouped fields, and the columns in CSV order. */
export interface Report<Row> {
  readonly data: Row[];
  readonly unpriced_generations?: number;
  readonly columns: readonly string[];
}

const COST_COLUMNS = [
  'generations',
  'tokens_input',
  'tokens_output',
  'tokens_total',
  'tokens_cached_input',
  'tokens_cache_write',
  'tokens_reasoning',
  'total_cost',
  'unpriced',
  'avg_latency',
] as const;
const LATENCY_COLUMNS = ['generations', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms'] as const;
const QUALITY_COLUMNS = [
  'generations',
  'syntax_valid_rate',
  'onex_compliant_rate',
  'type_hints_rate',
  'truncation_rate',
  'history_rows',
  'avg_quality_score',
  'validation_pass_rate',
] as const;
const TOP_COLUMNS = ['node_type', 'method_name', 'quality_score', 'model_used', 'tokens_total'] as const;

/**
 * The reports of the db package, shaped for the API; no report SQL lives here. Identical concurrent
 * requests are coalesced ({@link FreshCoalescer}): the range is resolved when the shared run starts,
 * so a default `to` (now) is never older than any request it answers.
 */
@Injectable()
export class AnalyticsService {
  private readonly coalescer = new FreshCoalescer();

  constructor(private readonly dataSource: DataSource) {}

  cost(query: ReportQueryDto): Promise<Report<Partial<CostReportRow>>> {
    return this.coalesced('cost', query, () => this.costNow(query));
  }

  latency(query: ReportQueryDto): Promise<Report<Partial<LatencyReportRow>>> {
    return this.coalesced('latency', query, () => this.latencyNow(query));
  }

  quality(query: ReportQueryDto): Promise<Report<Partial<QualityReportRow>>> {
    return this.coalesced('quality', query, () => this.qualityNow(query));
  }

  topGenerations(query: TopGenerationsQueryDto): Promise<Report<object>> {
    return this.coalescer.run(`top:${JSON.stringify([query.min_quality_score, query.limit])}`, async () => ({
      data: await getTopQualityGenerations(this.dataSource, {
        minQualityScore: query.min_quality_score,
        limit: query.limit,
      }),
      columns: TOP_COLUMNS,
    }));
  }

  /** Checks the range now (a bad one is a 400 at once), then shares the run with identical requests. */
  private coalesced<T>(report: string, query: ReportQueryDto, work: () => Promise<T>): Promise<T> {
    this.range(query);
    const key = JSON.stringify([report, query.from, query.to, query.group_by ?? DEFAULT_GROUP_BY]);
    return this.coalescer.run(key, work);
  }

  private async costNow(query: ReportQueryDto): Promise<Report<Partial<CostReportRow>>> {
    const range = this.range(query);
    const rows = await getCostReport(this.dataSource, range);
    return {
      data: rows.map((row) => onlyGrouped(row, range.groupBy)),
      unpriced_generations: rows.reduce((sum, row) => sum + row.unpriced, 0),
      columns: [...range.groupBy, ...COST_COLUMNS],
    };
  }

  private async latencyNow(query: ReportQueryDto): Promise<Report<Partial<LatencyReportRow>>> {
    const range = this.range(query);
    const [rows, unpriced] = await Promise.all([
      getLatencyReport(this.dataSource, range),
      this.unpriced(range),
    ]);
    return {
      data: rows.map((row) => onlyGrouped(row, range.groupBy)),
      unpriced_generations: unpriced,
      columns: [...range.groupBy, ...LATENCY_COLUMNS],
    };
  }

  private async qualityNow(query: ReportQueryDto): Promise<Report<Partial<QualityReportRow>>> {
    const range = this.range(query);
    const [rows, unpriced] = await Promise.all([
      getQualityReport(this.dataSource, range),
      this.unpriced(range),
    ]);
    return {
      data: rows.map((row) => onlyGrouped(row, range.groupBy)),
      unpriced_generations: unpriced,
      columns: [...range.groupBy, ...QUALITY_COLUMNS],
    };
  }

  private range(query: ReportQueryDto): ReportRange & { groupBy: readonly ReportGroupField[] } {
    return { ...resolveRange(query, REPORT_RANGE), groupBy: query.group_by ?? DEFAULT_GROUP_BY };
  }

  /** Unpriced generations of the whole range: the cost report without grouping (rollups, not raw rows). */
  private async unpriced(range: ReportRange): Promise<number> {
    const [total] = await getCostReport(this.dataSource, { from: range.from, to: range.to, groupBy: [] });
    return total?.unpriced ?? 0;
  }
}

/** A report row without the group fields it was not grouped by (the db package sets those to null). */
function onlyGrouped<Row extends ReportGroup>(row: Row, groupBy: readonly ReportGroupField[]): Partial<Row> {
  const shaped: Partial<Row> = { ...row };
  for (const field of REPORT_GROUP_FIELDS) if (!groupBy.includes(field)) delete shaped[field];
  return shaped;
}
