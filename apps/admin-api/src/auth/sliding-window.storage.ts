import type { ThrottlerStorage } from '@nestjs/throttler';

/** Slots per window: a minute's window moves on by the second. */
const SLOTS = 60;

interface Window {
  /** Hits per slot; slot `n` (a multiple of the slot width since the epoch) lives at `n % SLOTS`. */
  readonly counts: Uint32Array;
  /** The newest slot counted into `counts`. */
  newest: number;
  /** The sum of `counts`. */
  total: number;
}

/** What `ThrottlerStorage.increment` returns (times in whole seconds, as the guard's headers want). */
export interface ThrottlerRecord {
  readonly totalHits: number;
  readonly timeToExpire: number;
  readonly isBlocked: boolean;
  readonly timeToBlockExpire: number;
}

/**
 * The throttler's counters in memory, constant work per request: per key, the hits of each sixtieth of
 * the window, summed over the last sixty. `@nestjs/throttler`'s own storage keeps one timestamp per hit
 * and filters them all on every request, so a key allowed 60,000 requests a minute paid for 60,000 on
 * each one. A refused request is not counted; it may retry once enough of the oldest hits have left the
 * window (`timeToBlockExpire`). There is no separate block period (the app configures none), and idle
 * keys are forgotten once their window has passed. Counts are per process, like the default storage.
 */
export class SlidingWindowThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  increment(key: string, ttl: number, limit: number): Promise<ThrottlerRecord> {
    const now = this.now();
    const width = Math.max(1, Math.ceil(ttl / SLOTS));
    const slot = Math.floor(now / width);
    this.sweep(now, width * SLOTS);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = { counts: new Uint32Array(SLOTS), newest: slot, total: 0 };
      this.windows.set(key, window);
    }
    advance(window, slot);

    const isBlocked = window.total >= limit;
    if (!isBlocked) {
      window.counts[slot % SLOTS]! += 1;
      window.total += 1;
    }
    const oldest = oldestCountedSlot(window);
    return Promise.resolve({
      totalHits: isBlocked ? window.total + 1 : window.total,
      timeToExpire: seconds((oldest + SLOTS) * width - now),
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds(slotFreeingBudget(window, limit) * width - now) : 0,
    });
  }

  /** Forgets keys with no hit in the last window, at most once per window. */
  private sweep(now: number, windowMs: number): void {
    if (now - this.lastSweep < windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      advance(window, Math.floor(now / (windowMs / SLOTS)));
      if (window.total === 0) this.windows.delete(key);
    }
  }
}

/** Moves the window on to `slot`, dropping the slots that left it. */
function advance(window: Window, slot: number): void {
  if (slot <= window.newest) return;
  if (slot - window.newest >= SLOTS) {
    window.counts.fill(0);
    window.total = 0;
  } else {
    for (let gone = window.newest + 1; gone <= slot; gone += 1) {
      window.total -= window.counts[gone % SLOTS]!;
      window.counts[gone % SLOTS] = 0;
    }
  }
  window.newest = slot;
}

/** The oldest slot of the window that holds a hit (the newest slot when there is none). */
function oldestCountedSlot(window: Window): number {
  for (let slot = window.newest - SLOTS + 1; slot < window.newest; slot += 1) {
    if (window.counts[slot % SLOTS]! > 0) return slot;
  }
  return window.newest;
}

/** The slot at whose start enough old hits have left the window for one more request. */
function slotFreeingBudget(window: Window, limit: number): number {
  let total = window.total;
  for (let slot = window.newest - SLOTS + 1; slot <= window.newest; slot += 1) {
    total -= window.counts[slot % SLOTS]!;
    if (total < limit) return slot + SLOTS;
  }
  return window.newest + SLOTS;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
