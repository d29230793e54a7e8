import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireAccess } from '../auth/access';
import { ApiErrors } from '../common/api-errors.decorator';
import { toCsv, wantsCsv } from '../common/csv';
import {
  CostReportDto,
  LatencyReportDto,
  QualityReportDto,
  ReportQueryDto,
  TopGenerationsDto,
  TopGenerationsQueryDto,
} from './analytics.dto';
import { AnalyticsService, type Report } from './analytics.service';

/** `Accept: text/csv` gets the rows as CSV with a header row; anything else gets JSON. */
@ApiTags('Analytics')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@RequireAccess('viewer')
@Controller('api/v1/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('cost')
  @ApiOperation({ summary: 'Cost by group (the seed’s cost-by-model query, from rollups and fresh rows)' })
  @ApiOkResponse({ type: CostReportDto })
  @ApiErrors(400, 401, 403)
  async cost(
    @Query() query: ReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string> {
    return respond(await this.analytics.cost(query), accept, reply);
  }

  @Get('latency')
  @ApiOperation({ summary: 'Latency percentiles (p50, p95, p99) by group' })
  @ApiOkResponse({ type: LatencyReportDto })
  @ApiErrors(400, 401, 403)
  async latency(
    @Query() query: ReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string> {
    return respond(await this.analytics.latency(query), accept, reply);
  }

  @Get('quality')
  @ApiOperation({ summary: 'Quality flag rates and history scores by group' })
  @ApiOkResponse({ type: QualityReportDto })
  @ApiErrors(400, 401, 403)
  async quality(
    @Query() query: ReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string> {
    return respond(await this.analytics.quality(query), accept, reply);
  }

  @Get('top-generations')
  @ApiOperation({
    summary: 'The seed’s high-quality join: validated history rows with their model and tokens',
  })
  @ApiOkResponse({ type: TopGenerationsDto })
  @ApiErrors(400, 401, 403)
  async topGenerations(
    @Query() query: TopGenerationsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string> {
    return respond(await this.analytics.topGenerations(query), accept, reply);
  }
}

function respond<Row extends object>(
  { columns, ...report }: Report<Row>,
  accept: string | undefined,
  reply: FastifyReply,
): object | string {
  if (!wantsCsv(accept)) return report;
  void reply.type('text/csv; charset=utf-8');
  return toCsv(columns as (keyof Row & string)[], report.data);
}
