import type { ApiKeyRole } from '@llm-metrics/db/entities';
import { type ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * What a route needs: `viewer` (reads; viewers and admins), `ingest` (writes generations, history and
 * feedback; ingest keys and admins), `admin` (admins only), or `public` (no key: `/health`). A route
 * that declares nothing is admin-only, so a new route cannot ship open by omission.
 */
export type Access = 'public' | ApiKeyRole;

export const ACCESS_METADATA = 'llm-metrics:access';

/** Declares who may call a route (or every route of a controller). */
export const RequireAccess = (access: Access) => SetMetadata(ACCESS_METADATA, access);

/** The roles a route's access admits. */
export function rolesAdmittedBy(access: Exclude<Access, 'public'>): readonly ApiKeyRole[] {
  switch (access) {
    case 'admin':
      return ['admin'];
    case 'viewer':
      return ['viewer', 'admin'];
    case 'ingest':
      return ['ingest', 'admin'];
  }
}

/** Who is calling: a stored key, or the bootstrap `ADMIN_API_KEY` (`id` null). */
export interface Principal {
  readonly id: string | null;
  readonly name: string;
  readonly role: ApiKeyRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The caller of the current request; only on routes that need a key. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const { principal } = context.switchToHttp().getRequest<FastifyRequest>();
    if (principal === undefined) throw new Error('CurrentPrincipal used on a public route');
    return principal;
  },
);

/** How a principal is named in the audit log: readable, and unambiguous thanks to the id. */
export function actorOf(principal: Principal): string {
  return principal.id === null ? principal.name : `${principal.name} (${principal.id})`;
}
