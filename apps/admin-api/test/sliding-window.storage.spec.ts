import { describe, expect, test } from '@jest/globals';
import { SlidingWindowThrottlerStorage } from '../src/auth/sliding-window.storage';

const MINUTE = 60_000;

/** A storage on a clock the test moves (ms since the epoch, starting on a whole minute). */
function storageAt(start = 10 * MINUTE) {
  const clock = { now: start };
  const storage = new SlidingWindowThrottlerStorage(() => clock.now);
  const hit = (key = 'key:a', limit = 3) => storage.increment(key, MINUTE, limit);
  return { clock, hit };
}

describe('SlidingWindowThrottlerStorage', () => {
  test('admits the limit within a window, then refuses without counting the refusals', async () => {
    const { hit } = storageAt();
    const admitted = [await hit(), await hit(), await hit()];
    expect(admitted.map((record) => [record.totalHits, record.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    const refused = [await hit(), await hit()];
    expect(refused.map((record) => [record.totalHits, record.isBlocked])).toEqual([
      [4, true],
      [4, true],
    ]);
    expect(refused[0]!.timeToBlockExpire).toBe(60);
  });

  test('hits leave the window a minute after their second, oldest first', async () => {
    const { clock, hit } = storageAt();
    await hit();
    clock.now += 30_000;
    await hit();
    await hit();
    clock.now += 10_000;
    const refused = await hit();
    expect(refused.isBlocked).toBe(true);
    // The first hit leaves 60 s after it was made, i.e. 20 s from now.
    expect(refused.timeToBlockExpire).toBe(20);
    clock.now += 20_000 - 1;
    expect((await hit()).isBlocked).toBe(true);
    clock.now += 1;
    expect((await hit()).isBlocked).toBe(false);
    // Both hits of second 30 are still in the window: full again.
    expect((await hit()).isBlocked).toBe(true);
    clock.now += 30_000;
    expect((await hit()).totalHits).toBe(2);
  });

  test('keys keep budgets of their own, and an idle key starts over', async () => {
    const { clock, hit } = storageAt();
    for (let request = 0; request < 3; request += 1) await hit('key:a');
    expect((await hit('key:a')).isBlocked).toBe(true);
    expect((await hit('key:b')).totalHits).toBe(1);
    clock.now += 5 * MINUTE;
    expect((await hit('key:a')).totalHits).toBe(1);
  });

  test('reports when the oldest counted hit leaves the window', async () => {
    const { clock, hit } = storageAt();
    await hit();
    clock.now += 45_500;
    const record = await hit();
    expect(record.timeToExpire).toBe(15);
  });
});
