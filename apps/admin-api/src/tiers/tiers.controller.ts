import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../auth/access';
import { type ChangeContext, CurrentChange } from '../audit/audit.service';
import { ApiErrors } from '../common/api-errors.decorator';
import { PatternParam } from '../common/params';
import {
  CreateTierDto,
  PriceVersionListDto,
  TIER_NAME,
  TierDto,
  TierListDto,
  UpdateTierDto,
} from './tiers.dto';
import { TiersService } from './tiers.service';

const TierParam = () => PatternParam('tier', TIER_NAME, 50);

@ApiTags('Tiers and prices')
@ApiBearerAuth()
@Controller('api/v1/tiers')
export class TiersController {
  constructor(private readonly tiers: TiersService) {}

  @Get()
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'List tiers with the prices in effect now' })
  @ApiOkResponse({ type: TierListDto })
  @ApiErrors(401, 403)
  async list(): Promise<TierListDto> {
    return { data: await this.tiers.list() };
  }

  @Post()
  @RequireAccess('admin')
  @ApiOperation({ summary: 'Create a tier and its first price version' })
  @ApiCreatedResponse({ type: TierDto })
  @ApiErrors(400, 401, 403, 409)
  create(@Body() body: CreateTierDto, @CurrentChange() change: ChangeContext): Promise<TierDto> {
    return this.tiers.create(body, change);
  }

  @Get(':tier')
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'One tier' })
  @ApiOkResponse({ type: TierDto })
  @ApiErrors(400, 401, 403, 404)
  get(@TierParam() tier: string): Promise<TierDto> {
    return this.tiers.get(tier);
  }

  @Patch(':tier')
  @RequireAccess('admin')
  @ApiOperation({
    summary: 'Change a tier; a model or price change adds a price version (optionally from a future instant)',
  })
  @ApiOkResponse({ type: TierDto })
  @ApiErrors(400, 401, 403, 404)
  update(
    @TierParam() tier: string,
    @Body() body: UpdateTierDto,
    @CurrentChange() change: ChangeContext,
  ): Promise<TierDto> {
    return this.tiers.update(tier, body, change);
  }

  @Delete(':tier')
  @HttpCode(200)
  @RequireAccess('admin')
  @ApiOperation({ summary: 'Deactivate a tier (its prices and recorded generations stay as they are)' })
  @ApiOkResponse({ type: TierDto })
  @ApiErrors(400, 401, 403, 404)
  deactivate(@TierParam() tier: string, @CurrentChange() change: ChangeContext): Promise<TierDto> {
    return this.tiers.deactivate(tier, change);
  }

  @Get(':tier/prices')
  @RequireAccess('viewer')
  @ApiOperation({ summary: 'The price history of a tier (every version, never overwritten)' })
  @ApiOkResponse({ type: PriceVersionListDto })
  @ApiErrors(400, 401, 403, 404)
  async prices(@TierParam() tier: string): Promise<PriceVersionListDto> {
    return { data: await this.tiers.priceHistory(tier) };
  }
}
