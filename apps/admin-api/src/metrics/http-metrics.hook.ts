import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from './metrics.registry';

/** Requests no route matched share one label, so scanners cannot blow up the series count. */
const UNMATCHED = 'unmatched';

/**
 * Times every request and counts it by method, route pattern (`/api/v1/tiers/:tier`, never the raw
 * URL) and status, once the response is sent: requests refused by a guard, a pipe or the body parser
 * count too. A Fastify hook, registered before any route, so it covers every route.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    const labels = {
      http_request_method: request.method,
      http_route: route === undefined || route.includes('*') ? UNMATCHED : route,
      http_response_status_code: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
