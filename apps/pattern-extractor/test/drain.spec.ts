import { describe, expect, test } from '@jest/globals';
import { DEFAULT_DRAIN_OPTIONS, Drain, type DrainOptions, GENERIC_DRAIN_OPTIONS } from '../src/mining/drain';
import { IP_RULE, type MaskRule } from '../src/mining/masking';

/** Feeds `messages` to a fresh Drain; returns the cluster id of each and the Drain. */
function run(messages: readonly string[], options: Partial<DrainOptions> = {}) {
  const drain = new Drain(options);
  return { ids: messages.map((message) => drain.add(message)), drain };
}

/** A made-up log with families that differ by a word, a number, a length. */
function sampleLog(count: number): string[] {
  const shapes = [
    (n: number) => `PacketResponder ${n % 3} for block blk_${n * 7919} terminating`,
    (n: number) => `Received block blk_${n * 31} of size ${n * 1024} from /10.0.${n % 7}.${n % 250}`,
    (n: number) => `Deleting block blk_${n} file /data/${n % 5}/blk_${n}`,
    (n: number) => `user u${n % 11} logged in`,
    (n: number) => `user u${n % 11} logged out after ${n}s`,
    (n: number) => `missing import x${n % 4} in module m${n % 9}`,
    (n: number) => `unused import x${n % 4} in module m${n % 9}`,
  ];
  return Array.from({ length: count }, (_, n) =>
    (shapes[(n * 5 + (n >> 3)) % shapes.length] as (n: number) => string)(n),
  );
}

describe('Drain', () => {
  test('groups messages that differ by variables and learns their template', () => {
    const { ids, drain } = run([
      'Connection from 10.0.0.1 closed after 5 seconds',
      'Connection from 10.0.0.2 closed after 17 seconds',
      'Disk full on /dev/sda1',
    ]);
    expect(ids).toEqual([1, 1, 2]);
    expect(drain.template(1)).toBe('Connection from <*> closed after <*> seconds');
    expect(drain.clusters()).toEqual([
      {
        id: 1,
        template: ['Connection', 'from', '<*>', 'closed', 'after', '<*>', 'seconds'],
        founder: ['Connection', 'from', '10.0.0.1', 'closed', 'after', '5', 'seconds'],
        size: 2,
      },
      {
        id: 2,
        template: ['Disk', 'full', 'on', '/dev/sda1'],
        founder: ['Disk', 'full', 'on', '/dev/sda1'],
        size: 1,
      },
    ]);
  });

  test.each([
    ['token count', 'job 1 done', 'job 1 done twice'],
    ['a leading word (tree branch)', 'missing import x', 'unused import x'],
    ['similarity below the threshold', 'a b c d e f g h i j', 'a b x y z w v u t s'],
  ])('keeps messages apart that differ by %s', (_reason, first, second) => {
    expect(run([first, second]).ids).toEqual([1, 2]);
  });

  test.each([
    [0.3, [1, 1]],
    [0.6, [1, 2]],
  ])('similarity threshold %d decides whether 2 of 5 equal tokens join', (similarityThreshold, ids) => {
    expect(run(['x a b c d', 'x a y z w'], { similarityThreshold }).ids).toEqual(ids);
  });

  test('routes digit-bearing leading tokens to the wildcard branch', () => {
    const { ids, drain } = run(['7 workers ready now', '12 workers ready now']);
    expect(ids).toEqual([1, 1]);
    expect(drain.template(1)).toBe('<*> workers ready now');
  });

  test('sends tokens past maxChildren down the wildcard branch', () => {
    const messages = ['alpha one two', 'beta one two', 'gamma one two', 'delta one two'];
    expect(run(messages, { maxChildren: 3 }).ids).toEqual([1, 2, 3, 3]);
    expect(run(messages, { maxChildren: 100 }).ids).toEqual([1, 2, 3, 4]);
  });

  test.each([
    ['pinned word differs', ['we cannot read file', 'we cannot write file'], [1, 2]],
    ['pinned word with punctuation', ['x y: read, done', 'x y: write, done'], [1, 2]],
    ['other word differs', ['we cannot read a', 'we cannot read b'], [1, 1]],
    [
      'a code identifier, which names a function',
      ['path is passed to open() here', 'path is passed to fs.readFile here'],
      [1, 1],
    ],
    [
      'an HTTP method, which names a route',
      ['the route DELETE /a has no guard', 'the route GET /a has no guard'],
      [1, 1],
    ],
  ])('pinned words keep messages apart: %s', (_name, messages, ids) => {
    expect(run(messages, { pinnedWords: ['read', 'write', 'delete', 'open'] }).ids).toEqual(ids);
    expect(run(messages).ids).toEqual([1, 1]);
  });

  test.each([
    ['inflected', ['x is defined but never used', 'x is assigned but never used'], [1, 2]],
    [
      'with a doubled consonant',
      ['the migration dropped column a', 'the migration renamed column a'],
      [1, 2],
    ],
    [
      'in a lower-case compound',
      ['the file is world-readable now', 'the file is world-writable now'],
      [1, 2],
    ],
    [
      'not in a name',
      ['the response lacks the Retry-After header', 'the response lacks the X-Request-Id header'],
      [1, 1],
    ],
  ])('pinned words keep their inflections apart: %s', (_name, messages, ids) => {
    expect(run(messages, { pinnedWords: ['define', 'drop', 'read', 'write', 'after'] }).ids).toEqual(ids);
    expect(run(messages).ids).toEqual([1, 1]);
  });

  test('a pinned pattern keeps messages apart by the shape of a token', () => {
    const messages = [
      'import failed: KeyError: x',
      'import failed: ValueError: x',
      'import failed: KeyError: y',
    ];
    expect(run(messages, { pinnedPattern: /^[A-Z]\w*Error:$/ }).ids).toEqual([1, 2, 1]);
    expect(run(messages).ids).toEqual([1, 1, 1]);
  });

  test.each([
    [
      'the word after a pinning word differs',
      ['tx is never committed in f', 'tx is never aborted in f'],
      [1, 2],
    ],
    ['with punctuation', ['rate is too low.', 'rate is too high.'], [1, 2]],
    ['a word further on differs', ['tx is never committed in f', 'tx is never committed in g'], [1, 1]],
  ])('pinning words keep messages apart: %s', (_name, messages, ids) => {
    expect(run(messages, { pinningWords: ['never', 'too'] }).ids).toEqual(ids);
    expect(run(messages).ids).toEqual([1, 1]);
  });

  test('masks with its rules before tokenising', () => {
    const { drain } = run(['ping 10.1.1.1 ok'], { masks: [IP_RULE] });
    expect(drain.template(1)).toBe('ping <IP> ok');
  });

  test('handles empty and one-token messages', () => {
    expect(run(['', '  ', 'start', 'start', 'stop']).ids).toEqual([1, 1, 2, 2, 3]);
  });

  test('match() classifies without learning', () => {
    const { drain } = run(['cache hit for key k1']);
    expect(drain.match('cache hit for key k2')).toBe(1);
    expect(drain.match('totally different')).toBeUndefined();
    expect(drain.clusters()).toHaveLength(1);
    expect(drain.template(1)).toBe('cache hit for key k1');
    expect(drain.founder(1)).toBe('cache hit for key k1');
  });

  test('rejects bad options and unknown clusters', () => {
    expect(() => new Drain({ depth: 2 })).toThrow(RangeError);
    expect(() => new Drain({ maxChildren: 1 })).toThrow(RangeError);
    const once: MaskRule = { name: 'once', pattern: /\d+/, placeholder: '<NUM>' };
    expect(() => new Drain({ masks: [once] })).toThrow(/g flag/);
    expect(() => new Drain().template(1)).toThrow(RangeError);
  });

  test('is deterministic', () => {
    const messages = sampleLog(500);
    expect(run(messages).ids).toEqual(run(messages).ids);
  });

  test.each([
    ['default options', DEFAULT_DRAIN_OPTIONS, 1],
    ['default options, split late', DEFAULT_DRAIN_OPTIONS, 499],
    ['generic options', GENERIC_DRAIN_OPTIONS, 250],
    ['few children', { ...DEFAULT_DRAIN_OPTIONS, maxChildren: 3 }, 137],
    ['nothing before', DEFAULT_DRAIN_OPTIONS, 0],
  ])('incremental = full run (%s, split after %d)', (_name, options, splitAt) => {
    const messages = sampleLog(500);
    const full = run(messages, options);

    const first = run(messages.slice(0, splitAt), options);
    const saved = JSON.parse(JSON.stringify(first.drain.exportState())) as ReturnType<Drain['exportState']>;
    const resumed = new Drain(options);
    resumed.importState(saved);
    const laterIds = messages.slice(splitAt).map((message) => resumed.add(message));

    expect([...first.ids, ...laterIds]).toEqual(full.ids);
    expect(resumed.exportState()).toEqual(full.drain.exportState());
  });

  test('refuses a state learnt with other options or of another version', () => {
    const state = run(['a b c']).drain.exportState();
    expect(() => new Drain({ similarityThreshold: 0.9 }).importState(state)).toThrow(/other options/);
    expect(() => new Drain().importState({ ...state, version: 99 })).toThrow(/version/);
  });
});
