import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An incoming X-Request-Id is kept when it is a plausible id, so calls can be traced across services. */
const PLAUSIBLE_ID = /^[\w.:-]{1,100}$/;

/** pino-http's `genReqId`: the caller's id or a new UUID, echoed in the response's X-Request-Id. */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && PLAUSIBLE_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** The id {@link assignRequestId} gave the request. */
export function requestIdOf(request: IncomingMessage): string {
  return typeof request.id === 'string' ? request.id : '';
}
