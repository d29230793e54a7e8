import { Controller, Get, Module } from '@nestjs/common';
import { RequireAccess } from '../src/auth/access';

/**
 * P5's baseline: a GET that does no work, mounted next to the real routes of the same app, so it
 * passes the same middleware, key guard, throttler, pipes and logger. Bench-only; never shipped.
 */
@RequireAccess('viewer')
@Controller('bench')
class BareController {
  @Get('bare')
  bare(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [BareController] })
export class BareModule {}

/** The root of the benchmarked app: the real application plus the bare endpoint. */
@Module({})
export class BenchRootModule {}
