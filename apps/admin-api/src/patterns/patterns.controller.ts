import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../auth/access';
import { type ChangeContext, CurrentChange } from '../audit/audit.service';
import { ApiErrors } from '../common/api-errors.decorator';
import { UuidParam } from '../common/params';
import { PatternDto, PatternListQueryDto, PatternPageDto, UpdatePatternDto } from './pattern.dto';
import { PatternsService } from './patterns.service';

@ApiTags('Patterns')
@ApiBearerAuth()
@Controller('api/v1/patterns')
export class PatternsController {
  constructor(private readonly patterns: PatternsService) {}

  @Get()
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'List mined patterns, filtered and sorted, one page at a time' })
  @ApiOkResponse({ type: PatternPageDto })
  @ApiErrors(400, 401, 403)
  list(@Query() query: PatternListQueryDto): Promise<PatternPageDto> {
    return this.patterns.list(query);
  }

  @Get(':id')
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'One pattern' })
  @ApiOkResponse({ type: PatternDto })
  @ApiErrors(400, 401, 403, 404)
  get(@UuidParam('id') id: string): Promise<PatternDto> {
    return this.patterns.get(id);
  }

  @Patch(':id')
  @RequireAccess('admin')
  @ApiOperation({
    summary: 'Curate a pattern: pattern_data, avg_quality_score and node_type (audited)',
    description: 'pattern_type, usage_count, created_at and last_used_at are not editable.',
  })
  @ApiOkResponse({ type: PatternDto })
  @ApiErrors(400, 401, 403, 404)
  update(
    @UuidParam('id') id: string,
    @Body() body: UpdatePatternDto,
    @CurrentChange() change: ChangeContext,
  ): Promise<PatternDto> {
    return this.patterns.update(id, body, change);
  }

  @Delete(':id')
  @RequireAccess('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a pattern (audited); answers the deleted row' })
  @ApiOkResponse({ type: PatternDto })
  @ApiErrors(400, 401, 403, 404)
  delete(@UuidParam('id') id: string, @CurrentChange() change: ChangeContext): Promise<PatternDto> {
    return this.patterns.delete(id, change);
  }

  @Post(':id/uses')
  @RequireAccess('ingest')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A generator used the pattern: usage_count + 1 and last_used_at = now, atomically',
  })
  @ApiOkResponse({ type: PatternDto })
  @ApiErrors(400, 401, 403, 404)
  recordUse(@UuidParam('id') id: string): Promise<PatternDto> {
    return this.patterns.recordUse(id);
  }
}
