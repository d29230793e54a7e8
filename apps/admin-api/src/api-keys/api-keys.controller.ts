import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../auth/access';
import { ApiErrors } from '../common/api-errors.decorator';
import { UuidParam } from '../common/params';
import { type ChangeContext, CurrentChange } from '../audit/audit.service';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('API keys')
@ApiBearerAuth()
@RequireAccess('admin')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List API keys (never the keys themselves)' })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiErrors(401, 403)
  async list(): Promise<ApiKeyListDto> {
    return { data: await this.keys.list() };
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiErrors(400, 401, 403)
  async create(
    @Body() body: CreateApiKeyDto,
    @CurrentChange() change: ChangeContext,
  ): Promise<CreatedApiKeyDto> {
    const { row, key } = await this.keys.create(body.name.trim(), body.role, change);
    return { ...row, key };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (kept, marked revoked, for the audit trail)' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiErrors(400, 401, 403, 404)
  revoke(@UuidParam('id') id: string, @CurrentChange() change: ChangeContext): Promise<ApiKeyDto> {
    return this.keys.revoke(id, change);
  }
}
