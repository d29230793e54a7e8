import { API_KEY_ROLES, type ApiKeyRole } from '@llm-metrics/db/entities';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({
    description: 'What the key is for (shown in lists and the audit log)',
    example: 'grafana',
    maxLength: 100,
  })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'must not be blank' })
  name!: string;

  @ApiProperty({
    description: 'admin: everything; viewer: reads; ingest: writes generations, history and feedback',
    enum: API_KEY_ROLES,
  })
  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;
}

export class ApiKeyDto {
  @ApiProperty({ description: 'Unique identifier', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'What the key is for' })
  name!: string;

  @ApiProperty({ description: 'What the key may do', enum: API_KEY_ROLES })
  role!: ApiKeyRole;

  @ApiProperty({ description: 'First characters of the key, to recognise it', example: 'lmk_Qx3v9aZ0' })
  key_prefix!: string;

  @ApiProperty({ description: 'When the key was created', format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ description: 'Who created the key' })
  created_by!: string;

  @ApiProperty({
    description: 'Last time the key was accepted (to the minute)',
    format: 'date-time',
    nullable: true,
    type: String,
  })
  last_used_at!: Date | null;

  @ApiProperty({
    description: 'When the key was revoked; null while valid',
    format: 'date-time',
    nullable: true,
    type: String,
  })
  revoked_at!: Date | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself. Shown only in this response: store it now', example: 'lmk_…' })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ description: 'Every key, revoked ones included, oldest first', type: [ApiKeyDto] })
  data!: ApiKeyDto[];
}
