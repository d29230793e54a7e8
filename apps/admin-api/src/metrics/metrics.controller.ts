import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireAccess } from '../auth/access';
import { ApiErrors } from '../common/api-errors.decorator';
import { MetricsService } from './metrics.service';

/** Prometheus scrapes with a viewer key as a bearer token: cost figures are not public. */
@ApiTags('Metrics')
@ApiBearerAuth()
@RequireAccess('viewer')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Prometheus metrics: HTTP requests and latency, generations, tokens and cost by tier and model, rollup lag, last extraction run',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', type: String })
  @ApiErrors(401, 403)
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.metrics.scrape();
    void reply.type(this.metrics.contentType);
    return body;
  }
}
