import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../auth/access';
import { ApiErrors } from '../common/api-errors.decorator';
import { UuidParam } from '../common/params';
import { ExtractionRunDto, ExtractionRunListQueryDto, ExtractionRunPageDto } from './extraction-run.dto';
import { ExtractionRunsService } from './extraction-runs.service';

@ApiTags('Extraction runs')
@ApiBearerAuth()
@RequireAccess('viewer')
@Controller('api/v1/extraction-runs')
export class ExtractionRunsController {
  constructor(private readonly runs: ExtractionRunsService) {}

  @Get()
  @ApiOperation({ summary: 'What the nightly extractor did: its runs, newest first' })
  @ApiOkResponse({ type: ExtractionRunPageDto })
  @ApiErrors(400, 401, 403)
  list(@Query() query: ExtractionRunListQueryDto): Promise<ExtractionRunPageDto> {
    return this.runs.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One run: watermarks, counts, maintenance steps, error' })
  @ApiOkResponse({ type: ExtractionRunDto })
  @ApiErrors(400, 401, 403, 404)
  get(@UuidParam('id') id: string): Promise<ExtractionRunDto> {
    return this.runs.get(id);
  }
}
