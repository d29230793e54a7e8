import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../auth/access';
import { ApiBatchBody } from '../common/api-batch-body.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { MAX_BATCH_ITEMS } from '../common/batch-body';
import { UuidParam } from '../common/params';
import {
  FeedbackDto,
  HistoryDto,
  HistoryInputDto,
  HistoryListQueryDto,
  HistoryPageDto,
  RecordedHistoriesDto,
} from './history.dto';
import { HistoryService } from './history.service';

@ApiTags('History')
@ApiBearerAuth()
@Controller('api/v1/history')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Post()
  @RequireAccess('ingest')
  @ApiOperation({
    summary: `Record one history row or an array of up to ${MAX_BATCH_ITEMS}, all or nothing`,
    description: 'For generations whose metrics row is recorded apart; they join on correlation_id.',
  })
  @ApiBatchBody(HistoryInputDto)
  @ApiCreatedResponse({ type: RecordedHistoriesDto })
  @ApiErrors(400, 401, 403, 413)
  record(@Body() body: unknown): Promise<RecordedHistoriesDto> {
    return this.history.record(body);
  }

  @Get()
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'List history rows, newest first, filtered, one page at a time' })
  @ApiOkResponse({ type: HistoryPageDto })
  @ApiErrors(400, 401, 403)
  list(@Query() query: HistoryListQueryDto): Promise<HistoryPageDto> {
    return this.history.list(query);
  }

  @Get(':id')
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'One history row' })
  @ApiOkResponse({ type: HistoryDto })
  @ApiErrors(400, 401, 403, 404)
  get(@UuidParam('id') id: string): Promise<HistoryDto> {
    return this.history.get(id);
  }

  @Patch(':id/feedback')
  @RequireAccess('ingest')
  @ApiOperation({
    summary: 'Record user feedback: fields given are set (null: back to unknown), others kept',
  })
  @ApiOkResponse({ type: HistoryDto })
  @ApiErrors(400, 401, 403, 404)
  feedback(@UuidParam('id') id: string, @Body() body: FeedbackDto): Promise<HistoryDto> {
    return this.history.recordFeedback(id, body);
  }
}
