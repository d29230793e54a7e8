import { describe, expect, test } from '@jest/globals';
import { FreshCoalescer } from '../src/common/fresh-coalescer';

/** A run the test finishes by hand, recording when it started. */
function controllableWork() {
  const started: { resolve: (value: number) => void; reject: (error: Error) => void }[] = [];
  const work = () => new Promise<number>((resolve, reject) => started.push({ resolve, reject }));
  return { started, work };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FreshCoalescer', () => {
  test('callers never join a run already started; those arriving meanwhile share the next one', async () => {
    const coalescer = new FreshCoalescer();
    const { started, work } = controllableWork();
    const first = coalescer.run('k', work);
    const second = coalescer.run('k', work);
    const third = coalescer.run('k', work);
    expect(started).toHaveLength(1);

    started[0]!.resolve(1);
    expect(await first).toBe(1);
    await tick();
    // The next run starts only after the first settled, and serves both waiting callers.
    expect(started).toHaveLength(2);
    started[1]!.resolve(2);
    expect(await Promise.all([second, third])).toEqual([2, 2]);

    await tick();
    const later = coalescer.run('k', work);
    expect(started).toHaveLength(3);
    started[2]!.resolve(3);
    expect(await later).toBe(3);
  });

  test('different keys run apart; a failure reaches only the callers of its run', async () => {
    const coalescer = new FreshCoalescer();
    const { started, work } = controllableWork();
    const a = coalescer.run('a', work);
    const b = coalescer.run('b', work);
    expect(started).toHaveLength(2);
    const aAgain = coalescer.run('a', work);
    started[0]!.reject(new Error('boom'));
    await expect(a).rejects.toThrow('boom');
    await tick();
    started[2]!.resolve(7);
    expect(await aAgain).toBe(7);
    started[1]!.resolve(5);
    expect(await b).toBe(5);
  });
});
