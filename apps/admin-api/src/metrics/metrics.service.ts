import { Injectable, Logger } from '@nestjs/common';
import { MetricsRegistry } from './metrics.registry';
import { MetricsRepository } from './metrics.repository';

/** Renders the Prometheus text of a scrape: the HTTP figures kept in memory, the rest read now. */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('MetricsService');

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly repository: MetricsRepository,
  ) {}

  get contentType(): string {
    return this.metrics.registry.contentType;
  }

  async scrape(): Promise<string> {
    this.metrics.resetDatabaseFigures();
    try {
      await this.readDatabaseFigures(new Date());
      this.metrics.databaseUp.set(1);
    } catch (error) {
      this.logger.error({ err: error }, 'a scrape could not read the database');
      this.metrics.resetDatabaseFigures();
      this.metrics.databaseUp.set(0);
    }
    return this.metrics.registry.metrics();
  }

  private async readDatabaseFigures(now: Date): Promise<void> {
    const { generations, tokens, cost, unpriced } = this.metrics;
    for (const row of await this.repository.getTotalsByTierAndModel(now)) {
      const labels = { tier: row.tier ?? '', gen_ai_request_model: row.model_used ?? '' };
      generations.inc(labels, row.generations);
      tokens.inc({ ...labels, gen_ai_token_type: 'input' }, row.tokens_input);
      tokens.inc({ ...labels, gen_ai_token_type: 'output' }, row.tokens_output);
      // Exposition only: Prometheus samples are floats; the exact figure is in the cost report.
      cost.inc(labels, Number(row.total_cost));
      unpriced.inc(labels, row.unpriced);
    }
    const lag = await this.repository.getRollupLag();
    this.metrics.rollupPendingRows.set(lag.pendingRows);
    if (lag.ageSeconds !== null) this.metrics.rollupWatermarkAge.set(lag.ageSeconds);
    const run = await this.repository.findLastExtractionRun();
    if (run !== undefined) this.metrics.extractionLastRun.set({ status: run.status }, 1);
    if (run?.finishedAt != null) this.metrics.extractionLastFinished.set(run.finishedAt.getTime() / 1000);
  }
}
