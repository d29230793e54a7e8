import { LlmAuditLog } from '@llm-metrics/db/entities';
import { type ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import { actorOf } from '../auth/access';

/** Who is making a change and in which request: what every audit entry records. */
export interface ChangeContext {
  readonly actor: string;
  readonly request_id: string;
}

/** The {@link ChangeContext} of the current request (routes that need a key only). */
export const CurrentChange = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ChangeContext => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.principal === undefined) throw new Error('CurrentChange used on a public route');
    return { actor: actorOf(request.principal), request_id: request.id };
  },
);

export interface AuditEntry {
  readonly action: string;
  readonly entity_type: string;
  readonly entity_id: string;
  readonly before: object | null;
  readonly after: object | null;
}

/**
 * Writes audit entries inside the caller's transaction, so a change and its entry commit together or
 * not at all.
 */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, change: ChangeContext, entry: AuditEntry): Promise<void> {
    await manager.insert(LlmAuditLog, {
      actor: change.actor,
      request_id: change.request_id,
      action: entry.action,
      entity_type: entry.entity_type,
      entity_id: entry.entity_id,
      before: entry.before,
      after: entry.after,
    });
  }
}
