import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

/** `/metrics`; the HTTP series are fed by the hook `createApp` registers (`http-metrics.hook.ts`). */
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, MetricsRepository, MetricsService],
})
export class MetricsModule {}
