import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Label names follow the OpenTelemetry semantic conventions, dots spelled as underscores. */
const MODEL = 'gen_ai_request_model';
const TOKEN_TYPE = 'gen_ai_token_type';

/**
 * This app's own Prometheus registry (never prom-client's global one, so two apps in one process,
 * as in tests, do not share counters) and every metric it exposes.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_server_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly generations = new Counter({
    name: 'llm_metrics_generations_total',
    help: 'Generations recorded, by tier and model (read from the report rollups at scrape time)',
    labelNames: ['tier', MODEL],
    registers: [this.registry],
  });

  readonly tokens = new Counter({
    name: 'gen_ai_client_token_usage_total',
    help: 'Tokens of the generations recorded, by tier, model and token type (input, output)',
    labelNames: ['tier', MODEL, TOKEN_TYPE],
    registers: [this.registry],
  });

  readonly cost = new Counter({
    name: 'llm_metrics_cost_usd_total',
    help: 'Cost of the generations recorded in USD, by tier and model (unpriced ones add nothing); repricing can lower it',
    labelNames: ['tier', MODEL],
    registers: [this.registry],
  });

  readonly unpriced = new Counter({
    name: 'llm_metrics_unpriced_generations_total',
    help: 'Generations recorded with no price in effect, by tier and model',
    labelNames: ['tier', MODEL],
    registers: [this.registry],
  });

  readonly databaseUp = new Gauge({
    name: 'llm_metrics_database_up',
    help: '1 when the last scrape read the database, 0 when it failed (the figures above are then absent)',
    registers: [this.registry],
  });

  readonly rollupPendingRows = new Gauge({
    name: 'llm_metrics_rollup_pending_rows',
    help: 'Metrics rows above the rollup watermark (written since the last refresh; reports read them raw)',
    registers: [this.registry],
  });

  readonly rollupWatermarkAge = new Gauge({
    name: 'llm_metrics_rollup_watermark_age_seconds',
    help: 'Seconds since the rollups were last refreshed',
    registers: [this.registry],
  });

  readonly extractionLastRun = new Gauge({
    name: 'llm_metrics_extraction_last_run_info',
    help: 'The status of the last pattern extraction run (value 1), when the extractor has run',
    labelNames: ['status'],
    registers: [this.registry],
  });

  readonly extractionLastFinished = new Gauge({
    name: 'llm_metrics_extraction_last_run_finished_timestamp_seconds',
    help: 'When the last pattern extraction run finished (Unix seconds)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The figures read from the database, emptied before each scrape refills them. */
  resetDatabaseFigures(): void {
    for (const metric of [
      this.generations,
      this.tokens,
      this.cost,
      this.unpriced,
      this.rollupPendingRows,
      this.rollupWatermarkAge,
      this.extractionLastRun,
      this.extractionLastFinished,
    ]) {
      metric.reset();
    }
  }
}
