import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsRegistry } from './metrics.registry';

/** Requests no route matched share one label, so scanners cannot blow up the series count. */
const UNMATCHED = 'unmatched';

/**
 * Times every request and counts it by method, route pattern (`/api/v1/tiers/:tier`, never the raw
 * URL) and status, once the response is sent: requests refused by a guard or a pipe count too.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsRegistry) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const route = (request.route as { path?: unknown } | undefined)?.path;
      const labels = {
        http_request_method: request.method,
        // Nest answers unknown paths from a catch-all route (`{/*splat}`): that is no route either.
        http_route:
          typeof route === 'string' && !route.includes('*') ? `${request.baseUrl}${route}` : UNMATCHED,
        http_response_status_code: String(response.statusCode),
      };
      this.metrics.httpRequests.inc(labels);
      this.metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
