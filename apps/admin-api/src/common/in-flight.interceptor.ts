import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';

/**
 * Counts the route handlers running, so that shutdown can wait for them. Closing the HTTP server waits
 * for open connections only: a client that gave up (a timeout, a killed process) leaves its handler
 * running with no connection, and destroying the pool under it would cut a batch's COPY or transaction
 * short — or hand its connection, mid-transaction, to the next request waiting for the pool.
 */
@Injectable()
export class InFlightInterceptor implements NestInterceptor {
  private running = 0;
  private readonly idle = new Set<() => void>();

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.running += 1;
    return next.handle().pipe(
      finalize(() => {
        this.running -= 1;
        if (this.running === 0) for (const resolve of this.idle) resolve();
      }),
    );
  }

  /** Resolves once no handler runs, or after `timeoutMs`; true when every handler finished. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (finished: boolean) => {
        clearTimeout(timer);
        this.idle.delete(onIdle);
        resolve(finished);
      };
      const onIdle = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.idle.add(onIdle);
    });
  }
}
