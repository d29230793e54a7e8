import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiException } from '../common/api-error';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { ACCESS_METADATA, type Access, rolesAdmittedBy } from './access';

/**
 * The global guard: every route needs a key unless it is declared public. The key comes as
 * `Authorization: Bearer <key>` (what Prometheus sends) or `X-API-Key: <key>`. No key or an unknown or
 * revoked one is a 401; a valid key whose role the route does not admit is a 403.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    if (access === 'public') return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = presentedKey(request);
    if (key === undefined) {
      throw new ApiException(401, 'An API key is required: Authorization: Bearer <key> or X-API-Key: <key>');
    }
    const principal = await this.keys.authenticate(key);
    if (principal === undefined) throw new ApiException(401, 'The API key is unknown or revoked');
    request.principal = principal;
    if (!rolesAdmittedBy(access).includes(principal.role)) {
      throw new ApiException(403, `This route needs a key of role ${rolesAdmittedBy(access).join(' or ')}`);
    }
    return true;
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}
