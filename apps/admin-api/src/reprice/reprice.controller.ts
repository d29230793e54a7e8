import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../auth/access';
import { type ChangeContext, CurrentChange } from '../audit/audit.service';
import { ApiErrors } from '../common/api-errors.decorator';
import { RepriceRequestDto, RepriceResultDto } from './reprice.dto';
import { RepriceService } from './reprice.service';

@ApiTags('Tiers and prices')
@ApiBearerAuth()
@RequireAccess('admin')
@Controller('api/v1/reprice')
export class RepriceController {
  constructor(private readonly reprice: RepriceService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Recompute the cost of a tier’s generations with the price in effect when each was created; ' +
      'a dry run that writes nothing unless apply is true',
  })
  @ApiOkResponse({ type: RepriceResultDto })
  @ApiErrors(400, 401, 403, 404)
  run(@Body() body: RepriceRequestDto, @CurrentChange() change: ChangeContext): Promise<RepriceResultDto> {
    return this.reprice.reprice(body, change);
  }
}
