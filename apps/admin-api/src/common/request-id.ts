import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** An incoming X-Request-Id is kept when it is a plausible id, so calls can be traced across services. */
const PLAUSIBLE_ID = /^[\w.:-]{1,100}$/;

/** Fastify's `genReqId`: the caller's X-Request-Id when plausible, else a new UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && PLAUSIBLE_ID.test(incoming) ? incoming : randomUUID();
}

/** Echoes the request id in every response's X-Request-Id, errors and 404s included. */
export function echoRequestIds(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
}
