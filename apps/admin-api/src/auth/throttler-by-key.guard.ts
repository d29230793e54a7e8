import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';

/**
 * Rate limits per API key when the request has one (it runs after {@link ApiKeyGuard}), otherwise per
 * client address: many services behind one NAT must not share a budget. One budget per key across
 * every route (the library's default key is per route, hashed on every request).
 */
@Injectable()
export class ThrottlerByKeyGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip } = request as unknown as FastifyRequest;
    if (principal !== undefined) return Promise.resolve(`key:${principal.id ?? principal.name}`);
    return Promise.resolve(`ip:${ip ?? 'unknown'}`);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }
}
