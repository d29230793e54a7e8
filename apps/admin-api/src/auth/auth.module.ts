import { Global, Module } from '@nestjs/common';
import { ApiKeysController } from '../api-keys/api-keys.controller';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditService } from '../audit/audit.service';

/** Keys and the audit log: global, since the guard and every changing feature use them. */
@Global()
@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeysService, AuditService],
  exports: [ApiKeysService, AuditService],
})
export class AuthModule {}
