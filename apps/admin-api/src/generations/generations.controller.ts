import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../auth/access';
import { ApiBatchBody } from '../common/api-batch-body.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { MAX_BATCH_ITEMS } from '../common/batch-body';
import { UuidParam } from '../common/params';
import {
  GenerationDto,
  GenerationInputDto,
  GenerationListQueryDto,
  GenerationPageDto,
  RecordedGenerationsDto,
} from './generation.dto';
import { GenerationsService } from './generations.service';

@ApiTags('Generations')
@ApiBearerAuth()
@Controller('api/v1/generations')
export class GenerationsController {
  constructor(private readonly generations: GenerationsService) {}

  @Post()
  @RequireAccess('ingest')
  @ApiOperation({
    summary: `Record one generation or an array of up to ${MAX_BATCH_ITEMS}, all or nothing`,
    description:
      'Validated, derived and priced exactly as the collector does. On any invalid item nothing is ' +
      'written and the 400 lists each offending field by its path (`3.tokens_input`).',
  })
  @ApiBatchBody(GenerationInputDto)
  @ApiCreatedResponse({ type: RecordedGenerationsDto })
  @ApiErrors(400, 401, 403, 409, 413)
  record(@Body() body: unknown): Promise<RecordedGenerationsDto> {
    return this.generations.record(body);
  }

  @Get()
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'List generations, newest first, filtered, one page at a time' })
  @ApiOkResponse({ type: GenerationPageDto })
  @ApiErrors(400, 401, 403)
  list(@Query() query: GenerationListQueryDto): Promise<GenerationPageDto> {
    return this.generations.list(query);
  }

  @Get(':id')
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'One generation' })
  @ApiOkResponse({ type: GenerationDto })
  @ApiErrors(400, 401, 403, 404)
  get(@UuidParam('id') id: string): Promise<GenerationDto> {
    return this.generations.get(id);
  }
}
