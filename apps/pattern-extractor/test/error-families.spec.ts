import { describe, expect, test } from '@jest/globals';
import { Drain } from '../src/mining/drain';
import { familyTemplate, sameFamily } from '../src/mining/error-families';
import { ERROR_DRAIN_OPTIONS } from '../src/mining/error-signatures';

// As in the miner's own lists, every pinning word is a meaning word too.
const MEANING_WORDS = new Set(['not', 'missing', 'unused', 'async', 'never', 'too']);
const PINNING_WORDS = new Set(['never', 'too']);
const meaning = {
  isPinned: (token: string) => MEANING_WORDS.has(token),
  pinsNext: (token: string | undefined) => token !== undefined && PINNING_WORDS.has(token),
};
const words = (text: string) => text.split(' ');

describe('sameFamily', () => {
  test.each([
    ['the <PATH> endpoint returns <NUM>', 'the GET <PATH> endpoint returns <NUM>', true],
    ['expected <NUM> arguments but got <NUM>', 'expected at least <NUM> arguments', false],
    ['cannot find type <STR> in scope', 'cannot find <STR> in scope', false],
    ['retry <NUM> times', 'retry <NUM> times (<NUM>ms)', true],
    ['cannot find module <*>', 'cannot find module <*> from <*>', true],
    ['missing import <*>', 'missing import <*> from <*>', false],
    ['deploy failed because <*> <*>', 'deploy failed because of a timeout', true],
    ['<*> failed in <STR>', 'the nightly <*> failed in <STR>', true],
    [
      "doesn't handle the case where nothing matches",
      "doesn't handle the case where the token expired",
      true,
    ],
    ['<STR> is never used', 'jwt is never used', true],
    ['loop is wrong', 'loop is wrong here', false],
    ['the <*> is not paginated', 'the <*> is paginated', false],
    ['<*> is defined', '<*> is not defined', false],
    ['missing import <*>', 'missing unused import <*>', false],
    ['error: <*>', 'error: the build broke again today', false],
    ['timeout after <NUM> seconds', 'timeout after <NUM> seconds and one retry', false],
    ['transaction is never committed in <*>', 'transaction is never rolled back in <*>', false],
    ['<*> is paginated', 'the sessions list is paginated', true],
    ['<*> is paginated', 'the sessions list is not paginated', false],
    ['<*> failed', 'the nightly export job failed', false],
    ['not what I asked for, <*>', 'not what I asked for, it rewrote the whole file instead', true],
    ['<NUM> tests failing after this: too much code', '<NUM> tests failing after this: timezone', true],
    ['build failed: missing import', 'build failed: unused import', false],
    [
      'test a_b is flaky because it sleeps',
      'test c_d is flaky because it never waits for the queue to drain before it asserts',
      true,
    ],
    ['not what I asked for,', 'not what I asked for, at all', false],
    ['rate limit is too low for <PATH>', 'rate limit is too high for <PATH>', false],
    ['I asked for <*> but got <*>', 'I asked for async Python but got <*>', true],
    ['the <*> is <*>', 'the <*> is never cached', false],
    ['this does not handle the case where <*>', 'this does not handle the case where it is not UTC', true],
    ['the parser crashes when <*> is empty', 'the parser crashes when the list is null', true],
    ['the test a_b is flaky because it sleeps', 'the test TestQueue/drain_twice is flaky because <*>', true],
    ['the test it(<STR>) is flaky because it sleeps', 'the test OrderServiceTest is flaky because <*>', true],
    ['it still throws <*> whenever wrong', 'it still throws <*> whenever the retry logic is wrong', true],
  ])('%j and %j: %s', (left, right, same) => {
    expect(sameFamily(words(left), words(right), meaning)).toBe(same);
    expect(sameFamily(words(right), words(left), meaning)).toBe(same);
  });

  test.each([
    [
      'another exception',
      'crashes on start: Traceback line <NUM> AttributeError: <STR> has no attribute <STR>',
      false,
    ],
    ['the same exception', 'crashes on start: Traceback File <STR> line <NUM> KeyError: <STR>', true],
  ])('a lead clause before a traceback ending in %s', (_name, other, same) => {
    // The miner's own Drain is what tells meaning words there: exception headlines are among them.
    const drain = new Drain(ERROR_DRAIN_OPTIONS);
    const traceback = words('crashes on start: Traceback line <NUM> KeyError: <STR>');
    expect(sameFamily(traceback, words(other), drain)).toBe(same);
    expect(sameFamily(words(other), traceback, drain)).toBe(same);
  });

  test('leaves templates over 64 tokens to Drain', () => {
    const long = Array.from({ length: 65 }, (_, index) => `w${index}`);
    expect(sameFamily([...long, '<*>'], [...long, '<*>', 'x'], meaning)).toBe(false);
    expect(sameFamily([...long.slice(0, 60), '<*>'], [...long.slice(0, 60), '<*>', 'x'], meaning)).toBe(true);
  });
});

describe('familyTemplate', () => {
  test.each([
    [['missing import <*>'], 'missing import <*>'],
    [['missing import <*>', 'missing import <*> from <*>'], 'missing import <*>'],
    [['the <PATH> endpoint', 'the GET <PATH> endpoint'], 'the <*> <PATH> endpoint'],
    [['deploy failed because <*> <*>', 'deploy failed because of a timeout'], 'deploy failed because <*>'],
    [['<*> failed', 'the job failed', 'a b failed'], '<*> failed'],
  ])('%j → %j', (templates, template) => {
    expect(familyTemplate(templates.map(words)).join(' ')).toBe(template);
  });
});
